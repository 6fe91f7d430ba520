"""Sending one Delivery, from django-tasks. A failed attempt is logged and tried again after a
growing delay (RETRY_DELAYS); a delivery that was sent is never sent again, however often its
task runs. Email is handed to cms.tasks.send_email, which has its own retries for a mail server
that is down (docs/deployment.md, "Email")."""

import datetime
import logging

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from . import sms, telegram
from .models import Channel, Contact, Delivery, DeliveryAttempt

logger = logging.getLogger("notifications")

RETRY_DELAYS = (
    datetime.timedelta(minutes=1),
    datetime.timedelta(minutes=10),
    datetime.timedelta(hours=1),
)


class DeliveryError(Exception):
    def __init__(self, message: str, *, permanent: bool = False):
        super().__init__(message)
        self.permanent = permanent


def _send(delivery: Delivery) -> None:
    if delivery.channel == Channel.TELEGRAM:
        try:
            telegram.send_message(chat_id=int(delivery.address), text=delivery.body)
        except telegram.TelegramError as error:
            raise DeliveryError(str(error), permanent=error.permanent) from error
    elif delivery.channel == Channel.SMS:
        try:
            sms.send(to=delivery.address, text=delivery.body)
        except sms.SmsError as error:
            raise DeliveryError(str(error)) from error
    elif delivery.channel == Channel.EMAIL:
        from cms.tasks import send_email

        send_email.enqueue(subject=delivery.subject, body=delivery.body, to=[delivery.address])
    else:
        raise DeliveryError(f"unknown channel {delivery.channel!r}", permanent=True)


@task()
def deliver(*, delivery_id: int, attempt: int = 1) -> str:
    with transaction.atomic():
        delivery = Delivery.objects.select_for_update().filter(pk=delivery_id).first()
        if delivery is None or delivery.status not in (Delivery.Status.PENDING, Delivery.Status.RETRYING):
            return delivery.status if delivery else "missing"
        if delivery.attempts >= attempt:
            return "duplicate"  # this attempt already ran (a task delivered twice)
        delivery.attempts = attempt
        try:
            _send(delivery)
        except DeliveryError as error:
            delivery.last_error = str(error)[:1000]
            DeliveryAttempt.objects.create(
                delivery=delivery, number=attempt, channel=delivery.channel, status="failed", error=delivery.last_error
            )
            retry_at = None if error.permanent else _retry_at(attempt)
            if error.permanent and delivery.channel == Channel.TELEGRAM and delivery.contact_id:
                # The person blocked the bot or the chat is gone: later messages use her other channels.
                Contact.objects.filter(pk=delivery.contact_id, telegram_chat_id=int(delivery.address)).update(
                    telegram_chat_id=None
                )
            if retry_at is None:
                delivery.status, delivery.next_attempt_at = Delivery.Status.FAILED, None
                logger.error("notification %s failed for good on attempt %d: %s", delivery.key, attempt, error)
            else:
                delivery.status, delivery.next_attempt_at = Delivery.Status.RETRYING, retry_at
                logger.warning("notification %s failed on attempt %d: %s", delivery.key, attempt, error)
                if deliver.get_backend().supports_defer:
                    transaction.on_commit(
                        lambda: deliver.using(run_after=retry_at).enqueue(delivery_id=delivery_id, attempt=attempt + 1)
                    )
                # Otherwise (the inline backend) `manage.py notifications_retry` sends it when due.
            delivery.save(update_fields=["attempts", "status", "last_error", "next_attempt_at"])
            return delivery.status
        delivery.status, delivery.sent_at, delivery.next_attempt_at = Delivery.Status.SENT, timezone.now(), None
        DeliveryAttempt.objects.create(
            delivery=delivery,
            number=attempt,
            channel=delivery.channel,
            status="queued" if delivery.channel == Channel.EMAIL else "sent",
        )
        delivery.save(update_fields=["attempts", "status", "sent_at", "next_attempt_at"])
        return delivery.status


def _retry_at(attempt: int) -> datetime.datetime | None:
    if attempt > len(RETRY_DELAYS):
        return None
    return timezone.now() + RETRY_DELAYS[attempt - 1]


def retry_due(*, now: datetime.datetime | None = None) -> int:
    """Queue the retries whose time has come (for task backends that cannot defer)."""
    now = now or timezone.now()
    due = list(
        Delivery.objects.filter(status=Delivery.Status.RETRYING, next_attempt_at__lte=now).values_list("pk", "attempts")
    )
    for delivery_id, attempts in due:
        deliver.enqueue(delivery_id=delivery_id, attempt=attempts + 1)
    return len(due)
