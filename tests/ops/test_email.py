"""Mail server down: the message is retried with a growing delay, the final failure is listed
for staff and can be sent again. Runs the real django-tasks database worker."""

import datetime
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from cms.outbox import failed_emails
from cms.tasks import RETRY_DELAYS, send_email

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.backend.DatabaseBackend"}}
SMTP_DOWN = "tests.ops.failing_email.RefusingEmailBackend"
SMTP_UP = "django.core.mail.backends.locmem.EmailBackend"

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("db_tasks")]


@pytest.fixture
def db_tasks():
    with override_settings(TASKS=DB_TASKS):
        yield


def _work():
    call_command("db_worker", batch=True, startup_delay=False, reload=False, interval=0, verbosity=0)


def _make_due():
    DBTaskResult.objects.filter(status="READY").update(run_after=timezone.now() - datetime.timedelta(seconds=1))


def _enqueue():
    send_email.enqueue(subject="Order SK-1", body="Thank you", to=["buyer@example.org"])


def test_smtp_down_then_up_retries_and_delivers():
    with override_settings(EMAIL_BACKEND=SMTP_DOWN):
        _enqueue()
        before = timezone.now()
        _work()
    first = DBTaskResult.objects.get(args_kwargs__kwargs__attempt__isnull=True)
    assert first.status == "FAILED"
    assert first.exception_class_path == "cms.tasks.EmailDeferred"
    retry = DBTaskResult.objects.get(status="READY")
    assert retry.args_kwargs["kwargs"]["attempt"] == 2
    assert retry.run_after >= before + RETRY_DELAYS[0]
    # Not due yet: a worker leaves it alone.
    with override_settings(EMAIL_BACKEND=SMTP_UP):
        _work()
        assert mail.outbox == []
        _make_due()
        _work()
    assert [message.to for message in mail.outbox] == [["buyer@example.org"]]
    assert DBTaskResult.objects.get(pk=retry.pk).status == "SUCCESSFUL"
    assert list(failed_emails()) == []


def test_every_attempt_failing_is_listed_and_can_be_resent():
    with override_settings(EMAIL_BACKEND=SMTP_DOWN):
        _enqueue()
        for _attempt in range(len(RETRY_DELAYS) + 1):
            _make_due()
            _work()
        _make_due()
        _work()
    assert DBTaskResult.objects.filter(status="READY").count() == 0
    assert DBTaskResult.objects.count() == len(RETRY_DELAYS) + 1
    (failed,) = failed_emails()
    assert failed.exception_class_path == "builtins.ConnectionRefusedError"
    assert failed.args_kwargs["kwargs"]["attempt"] == len(RETRY_DELAYS) + 1

    listing = StringIO()
    call_command("email_failed", stdout=listing)
    assert "to=buyer@example.org" in listing.getvalue()
    assert "'Order SK-1'" in listing.getvalue()
    assert "1 failed email(s)." in listing.getvalue()

    call_command("email_failed", "--resend", stdout=StringIO())
    assert list(failed_emails()) == []
    with override_settings(EMAIL_BACKEND=SMTP_UP):
        _work()
    assert [message.subject for message in mail.outbox] == ["Order SK-1"]


def test_immediate_backend_without_defer_fails_loudly_instead_of_pretending(settings):
    settings.EMAIL_BACKEND = SMTP_DOWN
    with override_settings(TASKS={"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}):
        result = send_email.enqueue(subject="s", body="b", to=["x@example.org"])
    assert result.status == "FAILED"
    assert result.errors[0].exception_class is ConnectionRefusedError


def _fail_for_good():
    with override_settings(EMAIL_BACKEND=SMTP_DOWN):
        _enqueue()
        for _attempt in range(len(RETRY_DELAYS) + 2):
            _make_due()
            _work()


def test_staff_see_failed_emails_in_the_admin_and_send_them_again(client, django_user_model):
    _fail_for_good()
    admin = django_user_model.objects.create_superuser(username="root", email="root@example.org", password="pw-x-1")
    client.force_login(admin)
    listing = client.get("/admin/reports/failed-emails/")
    assert listing.status_code == 200
    body = listing.content.decode()
    assert "buyer@example.org" in body and "Order SK-1" in body and "Connection refused" in body
    assert client.get("/admin/reports/failed-emails/resend/").status_code == 200  # the confirmation
    response = client.post("/admin/reports/failed-emails/resend/")
    assert response.status_code == 302
    assert list(failed_emails()) == []
    with override_settings(EMAIL_BACKEND=SMTP_UP):
        _work()
    assert [message.to for message in mail.outbox] == [["buyer@example.org"]]


def test_other_staff_cannot_see_or_resend_failed_emails(client, django_user_model):
    from django.contrib.auth.models import Group

    from accounts import roles

    _fail_for_good()
    editor = django_user_model.objects.create_user(username="ed", password="pw-x-1", is_staff=True)
    editor.groups.add(Group.objects.get_or_create(name=roles.EDITOR)[0])
    client.force_login(editor)
    assert client.get("/admin/reports/failed-emails/").status_code in (302, 403)
    assert client.post("/admin/reports/failed-emails/resend/").status_code in (302, 403)
    assert len(failed_emails()) == 1
