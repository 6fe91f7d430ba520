"""The Telegram webhook: secret header, bad bodies, /start <token> links once, /stop unlinks."""

import datetime
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from notifications import telegram
from notifications.models import Contact
from notifications.services import contact_get_or_create, telegram_link_start

from .conftest import WEBHOOK_SECRET

pytestmark = pytest.mark.django_db
URL = "/notifications/telegram/webhook/"


def post(client, body, secret=WEBHOOK_SECRET):
    headers = {"HTTP_X_TELEGRAM_BOT_API_SECRET_TOKEN": secret} if secret is not None else {}
    data = body if isinstance(body, (str, bytes)) else json.dumps(body)
    return client.post(URL, data=data, content_type="application/json", **headers)


def update(text, chat_id=4242):
    return {"update_id": 1, "message": {"message_id": 1, "chat": {"id": chat_id, "type": "private"}, "text": text}}


def test_url_is_outside_the_language_prefix():
    assert reverse("telegram_webhook") == URL


@pytest.mark.parametrize("secret", [None, "", "wrong"])
def test_without_the_secret_header_403(client, bot, secret):
    contact = contact_get_or_create(phone="012345678")
    token = telegram_link_start(contact=contact).rsplit("=", 1)[1]
    assert post(client, update(f"/start {token}"), secret=secret).status_code == 403
    contact.refresh_from_db()
    assert contact.telegram_chat_id is None


def test_no_secret_configured_refuses_everything(client, bot, settings):
    settings.TELEGRAM_WEBHOOK_SECRET = ""
    assert post(client, update("/stop"), secret="").status_code == 403


@pytest.mark.parametrize(
    "body",
    [
        "not json",
        b"\xff\xfe",
        "[]",
        {"message": {"chat": {"id": 1}, "text": "/stop"}},  # no update_id
        {"update_id": 1, "message": "hello"},
        {"update_id": 1, "message": {"chat": {"id": "1"}, "text": "/stop"}},
        {"update_id": 1, "message": {"chat": {"id": True}, "text": "/stop"}},
    ],
)
def test_malformed_bodies_400(client, bot, body):
    assert post(client, body).status_code == 400


def test_get_is_not_allowed(client, bot):
    assert client.get(URL, HTTP_X_TELEGRAM_BOT_API_SECRET_TOKEN=WEBHOOK_SECRET).status_code == 405


def test_start_links_once_and_confirms_in_khmer(client, bot):
    contact = contact_get_or_create(phone="012345678")
    link = telegram_link_start(contact=contact)
    assert link.startswith("https://t.me/sahakum_test_bot?start=")
    token = link.rsplit("=", 1)[1]
    assert post(client, update(f"/start {token}", chat_id=4242)).status_code == 200
    contact.refresh_from_db()
    assert contact.telegram_chat_id == 4242
    assert bot.calls[-1]["chat_id"] == 4242 and "ភ្ជាប់" in bot.calls[-1]["text"]
    # The token is spent: another chat cannot take the link over.
    assert post(client, update(f"/start {token}", chat_id=999)).status_code == 200
    contact.refresh_from_db()
    assert contact.telegram_chat_id == 4242
    assert bot.calls[-1]["chat_id"] == 999 and "ផុតកំណត់" in bot.calls[-1]["text"]


def test_expired_token_does_not_link(client, bot):
    contact = contact_get_or_create(phone="012345678")
    token = telegram_link_start(contact=contact).rsplit("=", 1)[1]
    Contact.objects.filter(pk=contact.pk).update(link_token_expires=timezone.now() - datetime.timedelta(seconds=1))
    post(client, update(f"/start {token}"))
    contact.refresh_from_db()
    assert contact.telegram_chat_id is None


def test_start_without_or_with_unknown_token(client, bot):
    assert post(client, update("/start")).status_code == 200
    assert post(client, update("/start " + "x" * 500)).status_code == 200
    assert not Contact.objects.filter(telegram_chat_id=4242).exists()


def test_stop_unlinks(client, bot):
    contact = Contact.objects.create(phone="012345678", telegram_chat_id=4242)
    assert post(client, update("/stop")).status_code == 200
    contact.refresh_from_db()
    assert contact.telegram_chat_id is None
    assert "ផ្ដាច់" in bot.calls[-1]["text"]


def test_other_updates_are_acknowledged(client, bot):
    assert post(client, {"update_id": 5, "edited_message": {}}).status_code == 200
    assert post(client, update("hello")).status_code == 200
    assert bot.calls == []


def test_confirmation_failure_still_links(client, bot):
    contact = contact_get_or_create(phone="012345678")
    token = telegram_link_start(contact=contact).rsplit("=", 1)[1]
    bot.fail_next(1, status=500)
    assert post(client, update(f"/start {token}")).status_code == 200
    contact.refresh_from_db()
    assert contact.telegram_chat_id == 4242


def test_client_reports_errors(bot):
    bot.fail_next(1, status=429)
    with pytest.raises(telegram.TelegramError) as error:
        telegram.send_message(chat_id=1, text="x")
    assert not error.value.permanent and "429" in str(error.value)
    assert telegram.send_message(chat_id=1, text="x")["chat"]["id"] == 1


def test_client_reports_unreachable_api(settings):
    settings.TELEGRAM_BOT_TOKEN = "t"
    settings.TELEGRAM_API_BASE = "http://127.0.0.1:9"  # nothing listens there
    with pytest.raises(telegram.TelegramError, match="unreachable"):
        telegram.send_message(chat_id=1, text="x")
