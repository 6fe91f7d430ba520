"""Background tasks shared by every app (django-tasks): mail goes out of the request, so a
slow mail server never blocks a buyer or a trainer.

A mail server that is down or refuses the connection does not lose the message: the attempt
ends FAILED with `EmailDeferred` and the same message is queued again after a growing delay
(`RETRY_DELAYS`: 1 min, 5 min, 15 min, 1 h, 3 h, 6 h — about 10½ hours in all). django-tasks
0.12 has no retries of its own, so each retry is a new task with `run_after`. When the last
attempt fails, the task ends FAILED with the mail server's error, is logged at ERROR (and so
mailed to ADMINS once mail works), and is listed by `manage.py email_failed`, which can send
the failed messages again (`--resend`); docs/deployment.md, "Email"."""

import datetime
import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils import timezone
from django_tasks import task

logger = logging.getLogger("cms.tasks")

RETRY_DELAYS = (
    datetime.timedelta(minutes=1),
    datetime.timedelta(minutes=5),
    datetime.timedelta(minutes=15),
    datetime.timedelta(hours=1),
    datetime.timedelta(hours=3),
    datetime.timedelta(hours=6),
)


class EmailDeferred(Exception):
    """This attempt failed; the message is queued again (not a lost message)."""


@task()
def send_email(*, subject: str, body: str, to: list[str], reply_to: list[str] | None = None, attempt: int = 1) -> int:
    message = EmailMessage(
        subject=subject,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[address for address in to if address],
        reply_to=reply_to or None,
    )
    if not message.to:
        return 0
    try:
        return message.send()
    except OSError as error:  # smtplib.SMTPException, refused connections and timeouts are all OSErrors
        retry_at = _queue_retry(subject=subject, body=body, to=message.to, reply_to=reply_to, attempt=attempt)
        if retry_at is None:
            logger.error(
                "email %r to %d recipient(s) failed on attempt %d, no retry left: %s",
                subject,
                len(message.to),
                attempt,
                error,
            )
            raise
        logger.warning(
            "email %r failed on attempt %d (%s); attempt %d queued for %s",
            subject,
            attempt,
            error,
            attempt + 1,
            retry_at.isoformat(),
        )
        raise EmailDeferred(f"attempt {attempt} failed ({error}); attempt {attempt + 1} at {retry_at.isoformat()}")


def _queue_retry(*, subject, body, to, reply_to, attempt) -> datetime.datetime | None:
    if attempt > len(RETRY_DELAYS) or not send_email.get_backend().supports_defer:
        return None
    retry_at = timezone.now() + RETRY_DELAYS[attempt - 1]
    send_email.using(run_after=retry_at).enqueue(
        subject=subject, body=body, to=list(to), reply_to=reply_to, attempt=attempt + 1
    )
    return retry_at
