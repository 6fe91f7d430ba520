"""notify(): channel by preference and availability, "no messages", language, idempotency,
the context whitelist and privacy."""

import pytest
from django.core import mail

from notifications.models import Contact, Delivery
from notifications.recipients import Recipient
from notifications.services import notify
from tests.factories.networks import GroupFactory, MemberFactory, MembershipFactory, NetworkFactory

from .helpers import CONTEXTS

pytestmark = pytest.mark.django_db


def _notify(recipient, event="order_ready", key="1", **context):
    return notify(event=event, recipient=recipient, context={**CONTEXTS[event], **context}, idempotency_key=key)


def everyone(**extra) -> Recipient:
    return Recipient(key="p:1", name="Dara", email="dara@example.com", phone="012345678", **extra)


def test_auto_prefers_telegram_then_email_then_sms(bot):
    assert _notify(everyone(), key="a").channel == "email"
    Contact.objects.create(phone="012345678", telegram_chat_id=42)
    assert _notify(everyone(), key="b").channel == "telegram"
    assert _notify(Recipient(key="p:2", phone="012 999 888"), key="c").channel == "sms"


def test_preference_wins_when_it_can_reach(bot):
    Contact.objects.create(phone="012345678", preference="sms", telegram_chat_id=42)
    assert _notify(everyone(), key="a").channel == "sms"


def test_preference_that_cannot_reach_falls_back(bot):
    Contact.objects.create(phone="012345678", preference="telegram")  # not linked
    assert _notify(everyone(), key="a").channel == "email"


def test_telegram_not_used_without_a_bot_token(settings):
    settings.TELEGRAM_BOT_TOKEN = ""
    Contact.objects.create(phone="012345678", preference="telegram", telegram_chat_id=42)
    assert _notify(everyone()).channel == "email"


def test_no_messages_means_none(bot, gateway, django_capture_on_commit_callbacks):
    Contact.objects.create(phone="012345678", preference="none", telegram_chat_id=42)
    with django_capture_on_commit_callbacks(execute=True):
        delivery = _notify(everyone())
    assert (delivery.status, delivery.channel, delivery.body) == ("skipped", "", "")
    assert delivery.reason == "asked for no messages"
    assert bot.calls == [] and gateway.calls == [] and mail.outbox == []


def test_nobody_to_reach_is_logged_not_sent():
    delivery = _notify(Recipient(key="p:3", name="Dara", phone="12"))
    assert delivery.status == "skipped" and delivery.reason == "no channel reaches this person"


def test_khmer_by_default_english_when_asked():
    assert "រួចរាល់" in _notify(everyone(), key="a").body
    Contact.objects.create(phone="012345678", language="en")
    assert "ready for pickup" in _notify(everyone(), key="b").body


def test_same_event_same_person_is_recorded_and_sent_once(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = _notify(everyone())
        second = _notify(everyone())
    assert first.pk == second.pk
    assert Delivery.objects.count() == 1 and len(mail.outbox) == 1
    # Another person, or another event, is another delivery.
    _notify(Recipient(key="p:9", email="b@example.com"))
    _notify(everyone(), key="2")
    assert Delivery.objects.count() == 3


def test_unknown_event_and_unexpected_context_are_refused():
    with pytest.raises(ValueError, match="unknown"):
        notify(event="safe_house_intake", recipient=everyone(), context={}, idempotency_key="1")
    with pytest.raises(ValueError, match="not allowed"):
        _notify(everyone(), event="order_placed", buyer_phone="012 777 666")  # another person's data
    with pytest.raises(ValueError, match="missing"):
        notify(event="order_ready", recipient=everyone(), context={"reference": "X"}, idempotency_key="1")
    assert Delivery.objects.count() == 0


@pytest.fixture
def happy_women():
    return NetworkFactory(slug="happy-women", name_en="Happy Women Network", is_sensitive=True)


def test_never_sent_to_a_member_of_a_sensitive_network(happy_women, bot, gateway, django_capture_on_commit_callbacks):
    member = MemberFactory(phone="012555444")
    MembershipFactory(member=member, group=GroupFactory(network=happy_women))
    with django_capture_on_commit_callbacks(execute=True):
        # By the member link, and by her phone number on an unrelated record (an enrolment).
        assert _notify(Recipient.for_member(member)) is None
        assert _notify(Recipient(key="enrolment:1", phone="+855 12 555 444"), event="waitlist_promoted") is None
    assert Delivery.objects.count() == 0
    assert bot.calls == [] and gateway.calls == [] and mail.outbox == []


def test_never_sent_to_a_minor():
    minor = MemberFactory(birth_year=2015, phone="012555333")
    assert _notify(Recipient.for_member(minor)) is None
    assert Delivery.objects.count() == 0


def test_never_sent_about_a_group_of_a_sensitive_network(happy_women):
    group = GroupFactory(network=happy_women)
    assert _notify(everyone(), event="order_placed", group_id=group.pk) is None
    other = GroupFactory()
    assert _notify(everyone(), event="order_placed", group_id=other.pk) is not None


def test_message_carries_only_the_given_context():
    delivery = _notify(everyone(), event="order_placed")
    assert "012345678" not in delivery.body and "dara@example.com" not in delivery.body
