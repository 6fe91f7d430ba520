import datetime

import pytest
from django.core import mail

from tests.factories.training import CourseSessionFactory, EnrolmentFactory
from training import services
from training.exceptions import AlreadyEnrolled, EnrolmentClosed, InvalidPhone, NotAClassDay, NotCompleted, NotEnrolled
from training.models import Attendance, Certificate, CourseSession, Enrolment

pytestmark = pytest.mark.django_db


def enrol(session, **overrides):
    data = {"name": "ចាន់ ធីតា", "phone": "012345678", "gender": "female", "age": 24, **overrides}
    return services.enrolment_create(session_id=session.pk, **data)


def test_seats_then_waitlist_and_full_status(session):
    first = enrol(session, phone="+855 12 000 001")
    second = enrol(session, phone="012000002")
    third = enrol(session, phone="012000003")
    assert first.phone == "012000001"  # normalised
    assert [first.status, second.status, third.status] == ["confirmed", "confirmed", "waitlisted"]
    session.refresh_from_db()
    assert session.status == CourseSession.Status.FULL


def test_the_same_phone_cannot_enrol_twice_in_any_spelling(session):
    enrol(session, phone="012 345 678")
    with pytest.raises(AlreadyEnrolled):
        enrol(session, phone="+85512345678")
    assert session.enrolments.count() == 1


@pytest.mark.parametrize("phone", ["12", "abc", "0123", "012345678901234", "00855123456"])
def test_malformed_phone_is_refused_and_nothing_written(session, phone):
    with pytest.raises(InvalidPhone):
        enrol(session, phone=phone)
    assert not Enrolment.objects.exists()


@pytest.mark.parametrize(
    "change",
    [
        {"status": CourseSession.Status.CANCELLED},
        {"status": CourseSession.Status.SCHEDULED},
        {"enrolment_closes": "past"},
        {"start_date": "past"},
    ],
)
def test_closed_cancelled_or_past_sessions_refuse_enrolment(course, change):
    today = datetime.date.today()
    session = CourseSessionFactory(course=course)
    if change.get("enrolment_closes") == "past":
        session.enrolment_opens = today - datetime.timedelta(days=10)
        session.enrolment_closes = today - datetime.timedelta(days=1)
    elif change.get("start_date") == "past":
        session.start_date = today - datetime.timedelta(days=3)
        session.enrolment_opens = today - datetime.timedelta(days=20)
        session.enrolment_closes = today - datetime.timedelta(days=4)
    else:
        session.status = change["status"]
    session.save()
    with pytest.raises(EnrolmentClosed):
        enrol(session)
    assert not Enrolment.objects.exists()


def test_withdrawal_promotes_the_first_waitlisted_once_and_notifies_after_commit(
    session, django_capture_on_commit_callbacks
):
    holder = enrol(session, phone="012000001")
    enrol(session, phone="012000002")
    first_waiting = enrol(session, phone="012000003", email="first@example.org")
    second_waiting = enrol(session, phone="012000004", email="second@example.org")

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        withdrawn, promoted = services.enrolment_withdraw(token=holder.token)
    assert withdrawn.status == "withdrawn"
    assert promoted.pk == first_waiting.pk
    # One notification after commit (the page cache's purges run after commit too).
    assert [callback.__qualname__.split(".")[0] for callback in callbacks].count("enrolment_withdraw") == 1
    assert [message.to for message in mail.outbox] == [["first@example.org"]]
    assert first_waiting.token in mail.outbox[0].body

    # Running the same withdrawal again changes nothing and notifies nobody.
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        _again, promoted_again = services.enrolment_withdraw(token=holder.token)
    assert promoted_again is None
    assert not [callback for callback in callbacks if callback.__qualname__.startswith("enrolment_withdraw")]
    assert len(mail.outbox) == 1
    statuses = dict(session.enrolments.values_list("phone", "status"))
    assert statuses == {
        "012000001": "withdrawn",
        "012000002": "confirmed",
        "012000003": "confirmed",
        "012000004": "waitlisted",
    }
    second_waiting.refresh_from_db()
    assert second_waiting.promoted_at is None


def test_withdrawing_from_the_waitlist_promotes_nobody(session):
    enrol(session, phone="012000001")
    enrol(session, phone="012000002")
    waiting = enrol(session, phone="012000003")
    later = enrol(session, phone="012000004")
    _enrolment, promoted = services.enrolment_withdraw(token=waiting.token)
    assert promoted is None
    later.refresh_from_db()
    assert later.status == "waitlisted"


def test_withdrawal_without_waitlist_reopens_a_full_session(session):
    holder = enrol(session, phone="012000001")
    enrol(session, phone="012000002")
    session.refresh_from_db()
    assert session.status == "full"
    services.enrolment_withdraw(token=holder.token)
    session.refresh_from_db()
    assert session.status == "open"


def test_attendance_only_on_class_days(session, trainer):
    enrolment = EnrolmentFactory(session=session)
    class_day = session.class_days()[0]
    services.attendance_record(enrolment=enrolment, day=class_day, present=True, recorded_by=trainer)
    services.attendance_record(enrolment=enrolment, day=class_day, present=False, recorded_by=trainer)
    assert list(Attendance.objects.values_list("day", "present")) == [(class_day, False)]
    with pytest.raises(NotAClassDay):
        services.attendance_record(
            enrolment=enrolment, day=session.end_date + datetime.timedelta(days=7), present=True, recorded_by=trainer
        )
    not_a_class_day = next(
        session.start_date + datetime.timedelta(days=n)
        for n in range(7)
        if not session.is_class_day(session.start_date + datetime.timedelta(days=n))
    )
    with pytest.raises(NotAClassDay):
        services.attendance_record(enrolment=enrolment, day=not_a_class_day, present=True, recorded_by=trainer)
    assert Attendance.objects.count() == 1


def test_attendance_needs_a_seat(session, trainer):
    waiting = EnrolmentFactory(session=session, status=Enrolment.Status.WAITLISTED)
    with pytest.raises(NotEnrolled):
        services.attendance_record(enrolment=waiting, day=session.class_days()[0], present=True, recorded_by=trainer)
    assert not Attendance.objects.exists()


def test_certificate_only_for_completed_enrolments(session, trainer):
    enrolment = EnrolmentFactory(session=session)
    with pytest.raises(NotCompleted):
        services.certificate_issue(enrolment=enrolment, issued_by=trainer)
    assert not Certificate.objects.exists()
    services.enrolment_complete(enrolment=enrolment)
    certificate = services.certificate_issue(enrolment=enrolment, issued_by=trainer)
    assert services.certificate_issue(enrolment=enrolment, issued_by=trainer).pk == certificate.pk
    assert len(certificate.code) == 10
    # Once certified, completion cannot be undone.
    with pytest.raises(NotCompleted):
        services.enrolment_complete(enrolment=enrolment, completed=False)


def test_waitlisted_person_cannot_complete(session):
    waiting = EnrolmentFactory(session=session, status=Enrolment.Status.WAITLISTED)
    with pytest.raises(NotEnrolled):
        services.enrolment_complete(enrolment=waiting)
    waiting.refresh_from_db()
    assert waiting.status == "waitlisted"


def test_notification_channels_are_pluggable(session, settings, django_capture_on_commit_callbacks):
    settings.TRAINING_NOTIFICATION_CHANNELS = ["tests.training.test_services.RecordingChannel"]
    RecordingChannel.sent.clear()
    holder = enrol(session, phone="012000001")
    enrol(session, phone="012000002")
    waiting = enrol(session, phone="012000003")  # no email: an SMS channel could still reach them
    with django_capture_on_commit_callbacks(execute=True):
        services.enrolment_withdraw(token=holder.token)
    assert [(enrolment.pk, "012000003") for enrolment in RecordingChannel.sent] == [(waiting.pk, waiting.phone)]
    assert mail.outbox == []


class RecordingChannel:
    sent: list = []

    def send(self, enrolment, subject, body):
        self.sent.append(enrolment)
        return True
