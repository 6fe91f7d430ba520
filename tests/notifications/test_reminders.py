"""The day-before session reminder: learners of tomorrow's sessions, once however often it runs."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from notifications.models import Delivery
from tests.factories.training import CourseSessionFactory, EnrolmentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def course(site_pages):
    from tests.factories.training import add_course

    return add_course(site_pages["skills_center"]["km"], title="Tailoring")


def test_reminds_confirmed_learners_of_tomorrow_once(course, sms_outbox, django_capture_on_commit_callbacks, capsys):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    session = CourseSessionFactory(course=course, start_date=tomorrow, enrolment_closes=tomorrow)
    confirmed = EnrolmentFactory(session=session, phone="012111222")
    EnrolmentFactory(session=session, status="waitlisted")
    EnrolmentFactory(session=session, status="withdrawn")
    later = CourseSessionFactory(course=course)
    EnrolmentFactory(session=later)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_session_reminders")
    assert "1 reminder(s)" in capsys.readouterr().out
    assert [message.recipients for message in sms_outbox] == [["+85512111222"]]
    assert "Tailoring" in sms_outbox[0].body and "ថ្ងៃស្អែក" in sms_outbox[0].body
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_session_reminders")
    assert "0 reminder(s)" in capsys.readouterr().out
    assert len(sms_outbox) == 1
    delivery = Delivery.objects.get()
    assert (delivery.event, delivery.status) == ("session_reminder", "sent")
    assert delivery.key.startswith(f"session_reminder:{session.pk}:{tomorrow.isoformat()}:{confirmed.pk}:")


def test_reminder_by_email_and_telegram(course, bot, django_capture_on_commit_callbacks):
    from django.core import mail

    from notifications.models import Contact

    day = timezone.localdate() + datetime.timedelta(days=1)
    session = CourseSessionFactory(course=course, start_date=day, enrolment_closes=day)
    EnrolmentFactory(session=session, email="learner@example.com", phone="")
    EnrolmentFactory(session=session, phone="012333444")
    Contact.objects.create(phone="012333444", telegram_chat_id=31)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_session_reminders", date=day.isoformat())
    assert len(mail.outbox) == 1 and "Tailoring" in mail.outbox[0].subject
    assert [call["chat_id"] for call in bot.calls] == [31]


def test_bad_date_is_a_clear_error(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="--date"):
        call_command("send_session_reminders", date="tomorrow")
