import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from tests.factories.training import CourseSessionFactory, EnrolmentFactory
from training.models import CourseSession, Enrolment

pytestmark = pytest.mark.django_db


def test_class_days_follow_the_weekly_schedule(course):
    # 2027-03-01 is a Monday; classes on Monday and Thursday for two weeks.
    session = CourseSessionFactory.build(
        course=course, start_date=datetime.date(2027, 3, 1), end_date=datetime.date(2027, 3, 14), weekdays="0,3"
    )
    assert session.class_days() == [
        datetime.date(2027, 3, 1),
        datetime.date(2027, 3, 4),
        datetime.date(2027, 3, 8),
        datetime.date(2027, 3, 11),
    ]
    assert session.is_class_day(datetime.date(2027, 3, 4))
    assert not session.is_class_day(datetime.date(2027, 3, 2))  # a Tuesday
    assert not session.is_class_day(datetime.date(2027, 3, 15))  # a Monday after the last day


def test_set_status_refuses_an_invalid_transition(session):
    session.set_status(CourseSession.Status.RUNNING)
    session.set_status(CourseSession.Status.COMPLETED)
    with pytest.raises(ValidationError):
        session.set_status(CourseSession.Status.OPEN)
    assert session.status == "completed"


def test_clean_rejects_a_schedule_without_class_days(course):
    session = CourseSessionFactory.build(
        course=course, start_date=datetime.date(2027, 3, 2), end_date=datetime.date(2027, 3, 3), weekdays="0"
    )
    with pytest.raises(ValidationError) as error:
        session.clean()
    assert "weekdays" in error.value.message_dict


@translation.override("en")
def test_enrolment_refusal_explains_why(session):
    today = session.start_date - datetime.timedelta(days=3)
    assert session.enrolment_refusal(today) is None
    assert "started" in session.enrolment_refusal(session.start_date)
    assert "closed" in session.enrolment_refusal(session.enrolment_opens - datetime.timedelta(days=1))
    session.status = CourseSession.Status.CANCELLED
    assert "cancelled" in session.enrolment_refusal(today)


def test_database_refuses_a_second_active_place_for_one_phone(session):
    EnrolmentFactory(session=session, phone="012345678")
    with pytest.raises(IntegrityError), transaction.atomic():
        EnrolmentFactory(session=session, phone="012345678", status=Enrolment.Status.WAITLISTED)
    # A withdrawn enrolment does not hold the number.
    Enrolment.objects.filter(session=session).update(status=Enrolment.Status.WITHDRAWN)
    EnrolmentFactory(session=session, phone="012345678")
