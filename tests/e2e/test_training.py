"""Browser test of the training flow: a visitor finds a course and enrols; the trainer marks
attendance and completion and downloads the certificate; the certificate verifies. axe-core
checks the catalog, the course page and the enrol form."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery"


@pytest.fixture
def training_setup(transactional_db):
    from django.contrib.auth.models import Group, Permission

    from accounts import roles
    from accounts.demo import ensure_roles
    from cms.demo import seed_pages
    from tests.factories.accounts import UserFactory
    from tests.factories.training import CourseSessionFactory, add_course

    ensure_roles()
    # The flush between transactional tests drops the roles' permissions granted by migrations.
    Group.objects.get(name=roles.TRAINER).permissions.add(
        *Permission.objects.filter(content_type__app_label="wagtailadmin", codename="access_admin"),
        *Permission.objects.filter(
            content_type__app_label="training",
            codename__in=["add_coursesession", "change_coursesession", "view_coursesession", "view_enrolment"],
        ),
    )
    pages = seed_pages(log=lambda *args: None)
    trainer = UserFactory(username="trainer1", roles=[roles.TRAINER], is_staff=True)
    course = add_course(
        pages["skills_center"]["km"],
        title="កាត់ដេរ",
        slug="tailoring",
        summary="រៀនកាត់ដេរសម្លៀកបំពាក់",
        trainers=[trainer],
        skills_gained="វាស់ខ្លួន\nកាត់ក្រណាត់",
    )
    session = CourseSessionFactory(course=course, capacity=5)
    return trainer, course, session


def test_visitor_enrols_trainer_completes_and_certificate_verifies(live_server, page, training_setup, axe_check):
    from training.models import Certificate, Enrolment

    trainer, course, session = training_setup

    # A visitor finds the course in the catalog.
    page.goto(f"{live_server.url}/km/skills-center/")
    axe_check(page)
    page.get_by_role("link", name="កាត់ដេរ").first.click()
    page.wait_for_url(f"{live_server.url}/km/skills-center/tailoring/")
    axe_check(page)
    page.locator(f"a[href='/km/skills-center/enrol/{session.pk}/']").click()
    page.wait_for_url(f"{live_server.url}/km/skills-center/enrol/{session.pk}/")
    axe_check(page)

    # Enrols (without an account) and sees the confirmation with a private link.
    page.fill("#id_name", "ពៅ ស្រីល័ក្ខ")
    page.fill("#id_phone", "012 345 678")
    page.select_option("#id_gender", "female")
    page.fill("#id_age", "22")
    page.locator("form.form button[type=submit]").click()
    enrolment = Enrolment.objects.get()
    page.wait_for_url(f"{live_server.url}/km/skills-center/enrolment/{enrolment.token}/")
    assert page.locator(".status-confirmed").is_visible()
    assert enrolment.token in page.locator("#manage-url").input_value()
    axe_check(page)

    # The trainer signs in to the admin, marks attendance and completion.
    roster_url = f"{live_server.url}/admin/training_sessions/roster/{session.pk}/"
    page.goto(f"{live_server.url}/admin/login/?next=/admin/training_sessions/roster/{session.pk}/")
    page.fill("#id_username", trainer.username)
    page.fill("#id_password", PASSWORD)
    page.locator("form button[type=submit]").first.click()
    page.wait_for_url(roster_url, timeout=60_000)
    page.check(f"#present-{enrolment.pk}")
    page.locator("#save-attendance").click()
    page.wait_for_load_state()
    assert page.locator(f"#present-{enrolment.pk}").is_checked()
    page.locator(f"button[form=complete-{enrolment.pk}]").click()
    page.wait_for_load_state()
    enrolment.refresh_from_db()
    assert enrolment.status == "completed"
    assert enrolment.attendance.get().present

    # Downloads the certificate.
    with page.expect_download() as download_info:
        page.locator(f"button[form=certificate-{enrolment.pk}]").click()
    download = download_info.value
    with open(download.path(), "rb") as pdf:
        assert pdf.read(4) == b"%PDF"
    certificate = Certificate.objects.get(enrolment=enrolment)

    # Anyone can verify it (signed out: the admin's userbar is not part of the public page).
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/km/skills-center/verify/")
    axe_check(page)
    page.fill("#code", certificate.code.lower())
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/km/skills-center/verify/{certificate.code}/")
    assert "ពៅ ស្រីល័ក្ខ" in page.locator(".certificate-facts").inner_text()


def test_withdraw_button_in_chromium_promotes_the_next_person(live_server, page, training_setup):
    """Issue 10 #2: the enrolment page once sent `Referrer-Policy: no-referrer`, so Chromium
    posted `Origin: null` and Django's CSRF check refused the withdrawal (403)."""
    from tests.factories.training import EnrolmentFactory
    from training.models import Enrolment

    _trainer, _course, session = training_setup
    session.capacity = 1
    session.save(update_fields=["capacity"])
    holder = EnrolmentFactory(session=session, status=Enrolment.Status.CONFIRMED)
    waiting = EnrolmentFactory(session=session, status=Enrolment.Status.WAITLISTED)

    page.goto(f"{live_server.url}/km/skills-center/enrolment/{holder.token}/")
    with page.expect_response(lambda response: response.request.method == "POST") as posted:
        page.locator("form[action$='/withdraw/'] button[type=submit]").click()
    assert posted.value.status == 302, posted.value.status
    page.wait_for_load_state()
    assert page.locator(".status-withdrawn").is_visible()
    holder.refresh_from_db()
    waiting.refresh_from_db()
    assert holder.status == Enrolment.Status.WITHDRAWN
    assert waiting.status == Enrolment.Status.CONFIRMED
