"""Emails whose every attempt failed (cms.tasks.send_email): listed for staff and sent again.

Read from django-tasks' own result table; a message appears here only after its last retry
failed (attempts that were retried end with `cms.tasks.EmailDeferred` and are not listed)."""

from django.db import transaction
from django_tasks_db.models import DBTaskResult

from .tasks import EmailDeferred, send_email

TASK_PATH = f"{send_email.func.__module__}.{send_email.func.__qualname__}"
DEFERRED_PATH = f"{EmailDeferred.__module__}.{EmailDeferred.__qualname__}"


def failed_emails():
    return (
        DBTaskResult.objects.failed()
        .filter(task_path=TASK_PATH)
        .exclude(exception_class_path=DEFERRED_PATH)
        .order_by("finished_at")
    )


def resend(result: DBTaskResult) -> None:
    """Queue the message again from its first attempt, and drop the failed record (the new task
    carries the message; the log keeps the failure)."""
    kwargs = dict(result.args_kwargs.get("kwargs", {}))
    kwargs["attempt"] = 1
    with transaction.atomic():
        send_email.enqueue(**kwargs)
        DBTaskResult.objects.filter(pk=result.pk).delete()
