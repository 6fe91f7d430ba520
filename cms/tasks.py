"""Background tasks shared by every app (django-tasks): mail goes out of the request, so a
slow mail server never blocks a buyer or a trainer."""

from django.conf import settings
from django.core.mail import EmailMessage
from django_tasks import task


@task()
def send_email(*, subject: str, body: str, to: list[str], reply_to: list[str] | None = None) -> int:
    message = EmailMessage(
        subject=subject,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[address for address in to if address],
        reply_to=reply_to or None,
    )
    if not message.to:
        return 0
    return message.send()
