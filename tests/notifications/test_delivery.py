"""Every event through every channel, against the local doubles; failures retried and logged;
a retried task never sends twice."""

import pytest
from django.core import mail
from django.test import override_settings

from notifications.models import Delivery
from notifications.services import notify
from notifications.tasks import deliver, retry_due

from .helpers import CONTEXTS, recipient_for

pytestmark = pytest.mark.django_db

KHMER = range(0x1780, 0x1800)


def has_khmer(text: str) -> bool:
    return any(ord(ch) in KHMER for ch in text)


def _notify(event, recipient, key="1"):
    return notify(event=event, recipient=recipient, context=CONTEXTS[event], idempotency_key=key)


@pytest.mark.parametrize("event", sorted(CONTEXTS))
def test_event_by_telegram(event, bot, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        delivery = _notify(event, recipient_for("telegram", chat_id=777))
    assert len(bot.calls) == 1
    assert bot.calls[0]["chat_id"] == 777 and bot.calls[0]["token"] == "123456:TEST"
    assert has_khmer(bot.calls[0]["text"])
    delivery.refresh_from_db()
    assert (delivery.channel, delivery.status, delivery.attempts) == ("telegram", "sent", 1)


@pytest.mark.parametrize("event", sorted(CONTEXTS))
def test_event_by_sms(event, gateway, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        delivery = _notify(event, recipient_for("sms", n=7))
    assert len(gateway.calls) == 1
    call = gateway.calls[0]
    assert call["to"] == "+85512340007"  # normalised to E.164 once, by the phone rule
    assert call["authorization"] == "Bearer gateway-token" and call["from"] == "Sahakum"
    assert has_khmer(call["text"])
    delivery.refresh_from_db()
    assert (delivery.channel, delivery.status) == ("sms", "sent")
    assert delivery.segments >= 1


@pytest.mark.parametrize("event", sorted(CONTEXTS))
def test_event_by_email(event, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        delivery = _notify(event, recipient_for("email", n=3))
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["dara3@example.com"]
    assert has_khmer(mail.outbox[0].subject) and has_khmer(mail.outbox[0].body)
    delivery.refresh_from_db()
    assert (delivery.channel, delivery.status) == ("email", "sent")
    assert delivery.attempt_set.get().status == "queued"  # handed to cms.tasks.send_email and its retries


DUMMY_TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


def queued(task) -> list:
    """What the dummy task backend holds for this task (Wagtail queues tasks of its own too)."""
    return [result for result in task.get_backend().results if result.task.func is task.func]


@pytest.mark.parametrize("channel", ["telegram", "sms"])
@pytest.mark.parametrize("event", sorted(CONTEXTS))
def test_failed_delivery_is_retried_once_and_logged(event, channel, bot, gateway, django_capture_on_commit_callbacks):
    double = bot if channel == "telegram" else gateway
    double.fail_next(1, status=502)
    with override_settings(TASKS=DUMMY_TASKS):
        deliver.get_backend().clear()
        with django_capture_on_commit_callbacks(execute=True):
            delivery = _notify(event, recipient_for(channel, n=4, chat_id=4444))
        first = queued(deliver)
        assert len(first) == 1  # the first attempt, after commit
        with django_capture_on_commit_callbacks(execute=True):
            assert deliver.call(**first[0].kwargs) == "retrying"
        delivery.refresh_from_db()
        assert (delivery.status, delivery.attempts) == ("retrying", 1)
        assert "502" in delivery.last_error
        failed = delivery.attempt_set.get()
        assert (failed.number, failed.channel, failed.status) == (1, channel, "failed")
        retry = queued(deliver)[1]
        assert retry.kwargs == {"delivery_id": delivery.pk, "attempt": 2}
        assert retry.task.run_after is not None and retry.task.run_after > delivery.created_at  # with backoff
        assert deliver.call(**retry.kwargs) == "sent"
        # The same attempt delivered again (a duplicated task) sends nothing more.
        assert deliver.call(**retry.kwargs) == "sent"
        assert deliver.call(delivery_id=delivery.pk, attempt=3) == "sent"
    assert len(double.calls) == 1
    delivery.refresh_from_db()
    assert delivery.status == "sent"
    assert list(delivery.attempt_set.values_list("number", "status")) == [(1, "failed"), (2, "sent")]


def test_email_failure_uses_cms_tasks_retries(django_capture_on_commit_callbacks):
    """The email channel hands the message to cms.tasks.send_email, so a mail server that is
    down is retried there (ops' backoff) and not sent twice by a second retry loop here."""
    with override_settings(TASKS=DUMMY_TASKS, EMAIL_BACKEND="tests.ops.failing_email.RefusingEmailBackend"):
        from cms.tasks import send_email

        deliver.get_backend().clear()
        with django_capture_on_commit_callbacks(execute=True):
            delivery = _notify("order_ready", recipient_for("email", n=5))
        deliver.call(**queued(deliver)[0].kwargs)
        handed = queued(send_email)
        assert len(handed) == 1 and handed[0].kwargs["to"] == ["dara5@example.com"]
    delivery.refresh_from_db()
    assert delivery.status == "sent" and delivery.attempt_set.get().status == "queued"


def test_retry_due_requeues_with_inline_backend(bot, django_capture_on_commit_callbacks):
    """With the inline task backend (no deferral), `manage.py notifications_retry` sends due retries."""
    bot.fail_next(1)
    with django_capture_on_commit_callbacks(execute=True):
        delivery = _notify("order_paid", recipient_for("telegram", chat_id=9))
    delivery.refresh_from_db()
    assert delivery.status == "retrying" and bot.calls == []
    assert retry_due(now=delivery.next_attempt_at) == 1
    delivery.refresh_from_db()
    assert delivery.status == "sent" and len(bot.calls) == 1


def test_permanent_telegram_refusal_is_not_retried(bot, django_capture_on_commit_callbacks):
    bot.fail_next(1, status=403)  # "bot was blocked by the user"
    with django_capture_on_commit_callbacks(execute=True):
        delivery = _notify("order_paid", recipient_for("telegram", chat_id=9))
    delivery.refresh_from_db()
    assert delivery.status == "failed" and delivery.next_attempt_at is None
    # She blocked the bot: the chat is unlinked, so her next message goes by SMS.
    assert delivery.contact.telegram_chat_id is None
    assert _notify("order_paid", recipient_for("sms"), key="2").channel == "sms"


def test_gives_up_after_the_last_retry(gateway, django_capture_on_commit_callbacks):
    gateway.fail_next(10)
    with django_capture_on_commit_callbacks(execute=True):
        delivery = _notify("order_paid", recipient_for("sms"))
    for _ in range(5):
        delivery.refresh_from_db()
        if delivery.status != Delivery.Status.RETRYING:
            break
        retry_due(now=delivery.next_attempt_at)
    delivery.refresh_from_db()
    assert delivery.status == "failed"
    assert delivery.attempt_set.count() == 4 and gateway.calls == []
