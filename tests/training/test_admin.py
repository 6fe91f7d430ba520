"""Trainer tools: roster, attendance per class day, completion, certificates, export, figures,
matching enrolments to registry members."""

import datetime

import pytest

from accounts import roles
from tests.factories.networks import MemberFactory
from tests.factories.training import CourseSessionFactory, EnrolmentFactory
from training.models import Attendance, Certificate, Enrolment
from training.selectors import training_figures

pytestmark = pytest.mark.django_db

ADMIN = "/admin/training_sessions/"


@pytest.fixture
def running(course):
    today = datetime.date.today()
    return CourseSessionFactory(
        course=course,
        start_date=today - datetime.timedelta(days=14),
        end_date=today + datetime.timedelta(days=14),
        enrolment_opens=today - datetime.timedelta(days=40),
        enrolment_closes=today - datetime.timedelta(days=15),
        status="running",
    )


def test_roster_shows_seat_holders_and_waitlist(client, trainer, running):
    holder = EnrolmentFactory(session=running, name="ហេង សុភា")
    waiting = EnrolmentFactory(session=running, name="លី ស្រីនាង", status="waitlisted")
    client.force_login(trainer)
    response = client.get(f"{ADMIN}roster/{running.pk}/")
    assert response.status_code == 200
    assert [e.pk for e in response.context["seat_holders"]] == [holder.pk]
    assert [e.pk for e in response.context["waitlist"]] == [waiting.pk]


def test_attendance_is_saved_for_a_class_day(client, trainer, running):
    present, absent = EnrolmentFactory.create_batch(2, session=running)
    day = running.class_days()[0]
    client.force_login(trainer)
    response = client.post(
        f"{ADMIN}roster/{running.pk}/", {"action": "attendance", "day": day.isoformat(), "present": [present.pk]}
    )
    assert response.status_code == 302
    marks = dict(Attendance.objects.values_list("enrolment_id", "present"))
    assert marks == {present.pk: True, absent.pk: False}


def test_attendance_for_a_day_outside_the_session_is_400_and_writes_nothing(client, trainer, running):
    enrolment = EnrolmentFactory(session=running)
    client.force_login(trainer)
    for day in (running.end_date + datetime.timedelta(days=7), running.start_date + datetime.timedelta(days=1)):
        if running.is_class_day(day):
            continue
        response = client.post(
            f"{ADMIN}roster/{running.pk}/", {"action": "attendance", "day": day.isoformat(), "present": [enrolment.pk]}
        )
        assert response.status_code == 400
    assert not Attendance.objects.exists()


def test_completion_and_certificate_pdf(client, trainer, running):
    enrolment = EnrolmentFactory(session=running)
    client.force_login(trainer)
    response = client.post(f"{ADMIN}roster/{running.pk}/", {"action": "complete", "enrolment": enrolment.pk})
    assert response.status_code == 302
    enrolment.refresh_from_db()
    assert enrolment.status == "completed"
    pdf = client.post(f"{ADMIN}roster/{running.pk}/certificate/{enrolment.pk}/")
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    certificate = Certificate.objects.get(enrolment=enrolment)
    assert certificate.issued_by == trainer
    assert client.get(f"/km/skills-center/verify/{certificate.code}/").status_code == 200


def test_certificate_for_someone_who_did_not_complete_is_400(client, trainer, running):
    enrolment = EnrolmentFactory(session=running)
    client.force_login(trainer)
    response = client.post(f"{ADMIN}roster/{running.pk}/certificate/{enrolment.pk}/")
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()
    assert not Certificate.objects.exists()


def test_roster_export_csv_and_xlsx(client, trainer, running, other_course):
    mine = EnrolmentFactory(session=running, name="ហេង សុភា")
    elsewhere = EnrolmentFactory(session=CourseSessionFactory(course=running.course), name="Other Session")
    client.force_login(trainer)
    csv_response = client.get("/admin/training_enrolments/", {"session": running.pk, "export": "csv"})
    assert csv_response.status_code == 200
    body = b"".join(csv_response.streaming_content).decode("utf-8")
    assert mine.name in body and elsewhere.name not in body
    xlsx = client.get("/admin/training_enrolments/", {"session": running.pk, "export": "xlsx"})
    assert xlsx.status_code == 200
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")


def test_registry_officer_links_an_enrolment_to_a_member(client, make_user, running):
    enrolment = EnrolmentFactory(session=running, phone="012777888", name="សុខ ស្រីពៅ")
    member = MemberFactory(phone="+85512777888", birth_year=1990)
    stranger = MemberFactory(phone="011000000", name_km="ផ្សេង", birth_year=1990)
    client.force_login(make_user(roles.REGISTRY_OFFICER, is_staff=True))
    response = client.get(f"/admin/training_enrolments/match/{enrolment.pk}/")
    assert [m.pk for m in response.context["candidates"]] == [member.pk]
    client.post(f"/admin/training_enrolments/match/{enrolment.pk}/", {"member": member.pk})
    enrolment.refresh_from_db()
    assert enrolment.member == member
    assert stranger.training_enrolments.count() == 0


def test_minors_are_not_offered_for_matching_to_non_safeguarding_staff(client, make_user, running):
    enrolment = EnrolmentFactory(session=running, phone="012777888")
    MemberFactory(phone="012777888", birth_year=datetime.date.today().year - 15)
    client.force_login(make_user(roles.REGISTRY_OFFICER, is_staff=True))
    response = client.get(f"/admin/training_enrolments/match/{enrolment.pk}/")
    assert list(response.context["candidates"]) == []


def test_training_figures_by_gender_age_band_and_village(running):
    EnrolmentFactory(session=running, gender="female", age=16)
    EnrolmentFactory(session=running, gender="female", age=18)
    EnrolmentFactory(session=running, gender="male", age=40, village=running.venue_village)
    EnrolmentFactory(session=running, gender="female", age=24, status="waitlisted")
    EnrolmentFactory(session=running, gender="female", age=50, status="withdrawn")
    figures = training_figures(Enrolment.objects.all())
    assert figures["total"] == 4
    assert [count for _label, count in figures["by_gender"]] == [3, 1, 0]
    assert [count for _label, count in figures["by_age_band"]] == [1, 2, 1]
    assert (running.venue_village.code, 1) in [(code, n) for _name, code, n in figures["by_village"]]


def test_figures_report_and_export(client, make_user, running):
    EnrolmentFactory(session=running, gender="female", age=16)
    client.force_login(make_user(roles.EDITOR, is_staff=True))
    assert client.get("/admin/training_enrolments/figures/").status_code == 200
    export = client.get("/admin/training_enrolments/figures/", {"export": "csv"})
    assert export.status_code == 200 and "text/csv" in export["Content-Type"]
    client.force_login(make_user(roles.BUYER))
    assert client.get("/admin/training_enrolments/figures/").status_code in (302, 403)


def test_registry_matching_follows_the_registry_privacy_rule(client, make_user, running):
    """The matching page offers `Member.objects.visible_to(user)`: no Happy Women Network member
    to a registry officer, and nobody to staff without the registry's view permission."""
    from tests.factories.networks import GroupFactory, MembershipFactory, NetworkFactory

    enrolment = EnrolmentFactory(session=running, phone="012777999")
    happy_women = NetworkFactory(slug="happy-women-network", is_sensitive=True)
    survivor = MemberFactory(phone="012777999", birth_year=1990)
    MembershipFactory(member=survivor, group=GroupFactory(network=happy_women))
    ordinary = MemberFactory(phone="+85512777999", birth_year=1991)
    url = f"/admin/training_enrolments/match/{enrolment.pk}/"
    client.force_login(make_user(roles.REGISTRY_OFFICER, is_staff=True))
    assert [m.pk for m in client.get(url).context["candidates"]] == [ordinary.pk]
    assert client.post(url, {"member": survivor.pk}).status_code == 404
    enrolment.refresh_from_db()
    assert enrolment.member is None
    client.force_login(make_user(roles.EDITOR, is_staff=True))  # links enrolments, reads no registry
    assert list(client.get(url).context["candidates"]) == []
