"""Capacity under concurrent enrolments: real row locks, so PostgreSQL only."""

import pytest

from accounts.demo import ensure_roles
from tests.concurrency import errors, run_concurrently
from tests.factories.training import CourseSessionFactory, EnrolmentFactory
from training import services
from training.models import Enrolment

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def tx_session(transactional_db):
    from cms.demo import seed_pages
    from tests.factories.training import add_course

    ensure_roles()
    pages = seed_pages(log=lambda *args: None)
    course = add_course(pages["skills_center"]["km"], title="Tailoring")
    return CourseSessionFactory(course=course, capacity=12)


def test_thirty_concurrent_enrolments_into_twelve_seats(tx_session):
    def enrol(index):
        services.enrolment_create(
            session_id=tx_session.pk, name=f"Person {index}", phone=f"0120000{index:02d}", gender="female", age=30
        )

    assert errors(run_concurrently(30, enrol)) == []
    enrolments = list(Enrolment.objects.filter(session=tx_session).order_by("created_at", "pk"))
    assert len(enrolments) == 30  # none lost
    assert sum(1 for e in enrolments if e.status == "confirmed") == 12
    waitlisted = [e for e in enrolments if e.status == "waitlisted"]
    assert len(waitlisted) == 18
    # The waitlist is in arrival order: every confirmed place was taken before any waitlisted one.
    last_confirmed = max(e.pk for e in enrolments if e.status == "confirmed")
    assert all(e.pk > last_confirmed for e in waitlisted)
    tx_session.refresh_from_db()
    assert tx_session.status == "full"


def test_same_phone_racing_gets_one_place(tx_session):
    def enrol(index):
        services.enrolment_create(
            session_id=tx_session.pk, name=f"Person {index}", phone="012 345 678", gender="female", age=30
        )

    assert len(errors(run_concurrently(8, enrol))) == 7
    assert Enrolment.objects.filter(session=tx_session).count() == 1


def test_concurrent_withdrawals_promote_exactly_one(tx_session):
    tx_session.capacity = 1
    tx_session.save()
    holder = EnrolmentFactory(session=tx_session, status="confirmed")
    waiting = [EnrolmentFactory(session=tx_session, status="waitlisted") for _ in range(3)]

    assert errors(run_concurrently(6, lambda index: services.enrolment_withdraw(token=holder.token))) == []
    statuses = [Enrolment.objects.get(pk=e.pk).status for e in waiting]
    assert statuses == ["confirmed", "waitlisted", "waitlisted"]
