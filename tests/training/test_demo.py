import pytest

from accounts.demo import seed_accounts
from cms.demo import seed_pages
from training import demo
from training.models import Attendance, Certificate, CoursePage, CourseSession, Enrolment

pytestmark = pytest.mark.django_db


def counts():
    return [m.objects.count() for m in (CoursePage, CourseSession, Enrolment, Attendance, Certificate)]


def test_seed_builds_the_skills_center_and_is_idempotent():
    users = seed_accounts(log=lambda *a: None)
    pages = seed_pages(log=lambda *a: None)
    demo.seed(users=users, pages=pages, log=lambda *a: None)
    first = counts()
    demo.seed(users=users, pages=pages, log=lambda *a: None)
    assert counts() == first

    assert CoursePage.objects.filter(locale__language_code="km").count() == 5
    assert CoursePage.objects.filter(locale__language_code="en").count() == 5
    assert set(CoursePage.objects.values_list("category", flat=True)) == {
        "tailoring",
        "weaving",
        "agriculture",
        "nutrition",
        "business",
    }
    trainer = users["trainer"]
    assert all(trainer in course.trainers.all() for course in CoursePage.objects.all())
    sessions = CourseSession.objects.with_seats()
    assert {s.venue_village.code for s in sessions} == {"17060208"}
    full = [s for s in sessions if s.status == "full"]
    assert len(full) == 1 and full[0].waitlist_length == 3 and full[0].seats_taken == full[0].capacity
    assert sessions.filter(status="completed").count() == 5
    assert Certificate.objects.count() == Enrolment.objects.filter(status="completed").count() > 0
