import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.models import Locale

from tests.factories.training import CourseSessionFactory, EnrolmentFactory, add_course
from training import services
from training.models import Certificate, CourseSession, Enrolment

pytestmark = pytest.mark.django_db


def form_data(**overrides):
    return {"name": "ចាន់ ធីតា", "phone": "012 345 678", "gender": "female", "age": "24", **overrides}


def test_catalog_lists_courses_with_upcoming_sessions(client, session, other_course):
    response = client.get("/km/skills-center/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Tailoring" in html and "Weaving" in html
    courses = {course.title: course for course in response.context["courses"]}
    assert [s.seats_left for s in courses["Tailoring"].upcoming_sessions] == [2]
    assert courses["Weaving"].upcoming_sessions == []


def test_catalog_filters_by_category_month_venue_and_seats(client, course, other_course):
    today = timezone.localdate()
    full = CourseSessionFactory(course=course, capacity=1, start_date=today + datetime.timedelta(days=10))
    EnrolmentFactory(session=full)
    later = CourseSessionFactory(course=other_course, start_date=today + datetime.timedelta(days=70))

    def shown(query):
        context = client.get("/km/skills-center/", query).context
        return {c.title: [s.pk for s in c.upcoming_sessions] for c in context["courses"]}

    assert shown({"category": "weaving"}) == {"Weaving": [later.pk]}
    assert shown({"seats_left": "on"}) == {"Weaving": [later.pk]}
    assert shown({"month": later.start_date.strftime("%Y-%m")}) == {"Weaving": [later.pk]}
    assert shown({"venue": full.venue_village.pk}) == {"Tailoring": [full.pk], "Weaving": [later.pk]}
    assert set(shown({})) == {"Tailoring", "Weaving"}


def test_catalog_runs_a_constant_number_of_queries(client, skills_center):
    def count_queries():
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/km/skills-center/").status_code == 200
        return len(queries)

    add_course(skills_center, title="Course 0")
    CourseSessionFactory(course=add_course(skills_center, title="Course 1"))
    count_queries()  # warm the site and locale caches
    small = count_queries()
    for number in range(2, 10):
        course = add_course(skills_center, title=f"Course {number}")
        for _ in range(3):
            EnrolmentFactory(session=CourseSessionFactory(course=course))
    assert count_queries() == small


def test_course_page_lists_sessions_in_both_languages(client, session):
    course = session.course
    english = course.copy_for_translation(Locale.objects.get(language_code="en"))
    english.title = "Tailoring (EN)"
    english.save_revision().publish()
    for url in (course.url, english.url):
        response = client.get(url)
        assert response.status_code == 200
        assert f"/skills-center/enrol/{session.pk}/" in response.content.decode()


def test_enrol_then_see_the_confirmation(client, session):
    response = client.post(f"/km/skills-center/enrol/{session.pk}/", form_data())
    enrolment = Enrolment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/km/skills-center/enrolment/{enrolment.token}/"
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "ចាន់ ធីតា" in page.content.decode()
    assert page["Cache-Control"] == "private, no-store"
    assert enrolment.phone == "012345678" and enrolment.status == "confirmed"


def test_full_session_offers_the_waitlist(client, session):
    EnrolmentFactory.create_batch(2, session=session)
    page = client.get(f"/km/skills-center/enrol/{session.pk}/")
    assert page.status_code == 200
    client.post(f"/km/skills-center/enrol/{session.pk}/", form_data())
    enrolment = Enrolment.objects.get(phone="012345678")
    assert enrolment.status == "waitlisted"
    assert page.context["session"].seats_left == 0


def test_signed_in_user_is_linked(client, session, make_user):
    user = make_user()
    client.force_login(user)
    client.post(f"/km/skills-center/enrol/{session.pk}/", form_data())
    assert Enrolment.objects.get().user == user


@pytest.mark.parametrize("status", [CourseSession.Status.CANCELLED, CourseSession.Status.COMPLETED])
def test_enrolling_in_a_closed_session_is_409_and_writes_nothing(client, session, status):
    CourseSession.objects.filter(pk=session.pk).update(status=status)
    assert client.get(f"/km/skills-center/enrol/{session.pk}/").status_code == 409
    response = client.post(f"/km/skills-center/enrol/{session.pk}/", form_data())
    assert response.status_code == 409
    assert response.context["refusal"]
    assert not Enrolment.objects.exists()


def test_enrolling_in_a_past_session_is_refused(client, course):
    today = timezone.localdate()
    past = CourseSessionFactory(
        course=course,
        start_date=today - datetime.timedelta(days=5),
        enrolment_opens=today - datetime.timedelta(days=30),
        enrolment_closes=today - datetime.timedelta(days=6),
    )
    response = client.post(f"/km/skills-center/enrol/{past.pk}/", form_data())
    assert response.status_code == 409
    assert "វគ្គនេះបានចាប់ផ្តើមរួចហើយ" in response.content.decode()  # in Khmer, the default language
    assert not Enrolment.objects.exists()


def test_malformed_phone_is_400_with_the_error_next_to_the_field(client, session):
    response = client.post(f"/km/skills-center/enrol/{session.pk}/", form_data(phone="12-34"))
    assert response.status_code == 400
    assert response.context["form"].errors["phone"]
    assert 'id="id_phone_error"' in response.content.decode()
    assert not Enrolment.objects.exists()


def test_enrolling_twice_is_409(client, session):
    client.post(f"/km/skills-center/enrol/{session.pk}/", form_data())
    response = client.post(f"/km/skills-center/enrol/{session.pk}/", form_data(phone="+855 12 345 678"))
    assert response.status_code == 409
    assert response.context["form"].errors["phone"]
    assert Enrolment.objects.count() == 1


def test_unknown_session_is_404(client, site_pages):
    assert client.get("/km/skills-center/enrol/999999/").status_code == 404


def test_withdraw_with_a_wrong_token_is_404_and_changes_nothing(client, session):
    enrolment = EnrolmentFactory(session=session)
    assert client.get("/km/skills-center/enrolment/not-the-token/").status_code == 404
    assert client.post("/km/skills-center/enrolment/not-the-token/withdraw/").status_code == 404
    enrolment.refresh_from_db()
    assert enrolment.status == "confirmed"


def test_withdraw_promotes_the_next_person(client, session):
    holder, _second = EnrolmentFactory.create_batch(2, session=session)
    waiting = EnrolmentFactory(session=session, status="waitlisted")
    response = client.post(f"/km/skills-center/enrolment/{holder.token}/withdraw/")
    assert response.status_code == 302
    holder.refresh_from_db()
    waiting.refresh_from_db()
    assert (holder.status, waiting.status) == ("withdrawn", "confirmed")
    assert client.get(f"/km/skills-center/enrolment/{holder.token}/withdraw/").status_code == 405


def test_enrolment_page_keeps_its_token_from_other_sites_but_not_from_itself(client, session):
    """`no-referrer` made Chromium post `Origin: null` on Withdraw (403); same-origin keeps the
    token out of third-party Referers only."""
    holder = EnrolmentFactory(session=session)
    response = client.get(f"/km/skills-center/enrolment/{holder.token}/")
    assert response["Referrer-Policy"] == "same-origin"
    assert "no-store" in response["Cache-Control"]


def test_certificate_verification_page(client, session, trainer):
    enrolment = EnrolmentFactory(session=session, name="សុខ ស្រីពៅ")
    services.enrolment_complete(enrolment=enrolment)
    certificate = services.certificate_issue(enrolment=enrolment, issued_by=trainer)
    response = client.get(f"/km/skills-center/verify/{certificate.code}/")
    assert response.status_code == 200
    assert "សុខ ស្រីពៅ" in response.content.decode()
    assert client.get(f"/km/skills-center/verify/?code={certificate.code.lower()}").status_code == 302
    assert client.get("/km/skills-center/verify/NOTACODE42/").status_code == 404
    assert Certificate.objects.count() == 1


def test_home_page_shows_upcoming_sessions(client, session):
    html = client.get("/km/").content.decode()
    assert "home-sessions" in html and "Tailoring" in html


def test_site_search_finds_courses_with_their_next_session(client, skills_center):
    course = add_course(skills_center, title="កាត់ដេរ", slug="tailoring-km", summary="រៀនកាត់ដេរសម្លៀកបំពាក់")
    CourseSessionFactory(course=course)
    response = client.get("/km/search/", {"q": "កាត់ដេរ"})
    extra = response.context["extra_results"]
    assert [item["title"] for item in extra] == ["កាត់ដេរ"]
    assert extra[0]["url"] == course.url


def test_promotion_email_links_to_the_host_that_served_the_withdrawal(
    client, session, mailoutbox, django_capture_on_commit_callbacks
):
    """Issue 10 #5: emails linked to http://127.0.0.1:8000 whatever host or port served the site."""
    holder, _second = EnrolmentFactory.create_batch(2, session=session)
    waiting = EnrolmentFactory(session=session, status="waitlisted", email="waiting@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/km/skills-center/enrolment/{holder.token}/withdraw/", HTTP_HOST="sahakum.test:8443")
    (message,) = mailoutbox
    assert f"http://sahakum.test:8443/km/skills-center/enrolment/{waiting.token}/" in message.body
    assert "127.0.0.1:8000" not in message.body


def test_promotion_email_is_in_the_language_the_person_enrolled_in(
    client, session, mailoutbox, django_capture_on_commit_callbacks, person
):
    """Issue 10 #5: every absolute link in the language of its reader (the email was always Khmer, /km/)."""
    holder, _second = EnrolmentFactory.create_batch(2, session=session)
    session.capacity = 2
    session.save(update_fields=["capacity"])
    response = client.post(f"/en/skills-center/enrol/{session.pk}/", {**person, "email": "reader@example.org"})
    assert response.status_code == 302
    waiting = Enrolment.objects.get(email="reader@example.org")
    assert waiting.status == "waitlisted" and waiting.language == "en"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/km/skills-center/enrolment/{holder.token}/withdraw/")
    (message,) = mailoutbox
    assert f"/en/skills-center/enrolment/{waiting.token}/" in message.body
    assert message.subject.startswith("You have a place")
