"""Who may do what: trainers manage only the sessions of their assigned courses (object-level
rule, enforced on every admin view), course pages are moderated, rosters stay private."""

import pytest
from wagtail.models import Page, WorkflowState
from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

from accounts import roles
from tests.factories.training import CourseSessionFactory, EnrolmentFactory
from training.models import Certificate, CoursePage, CourseSession
from training.moderation import ensure_course_moderation

pytestmark = pytest.mark.django_db

ADMIN = "/admin/training_sessions/"


@pytest.fixture
def own_session(course):
    return CourseSessionFactory(course=course)


@pytest.fixture
def foreign_session(other_course):
    return CourseSessionFactory(course=other_course)


def session_form(course, **overrides):
    data = {
        "course": course.pk,
        "venue_village": overrides.pop("village").pk,
        "venue_name": "Skills Center",
        "start_date": "2030-03-04",
        "end_date": "2030-03-29",
        "weekdays": ["0", "2"],
        "start_time": "08:00",
        "end_time": "11:00",
        "capacity": "12",
        "enrolment_opens": "2030-01-01",
        "enrolment_closes": "2030-03-01",
        "language": "km",
        "status": "open",
    }
    data.update(overrides)
    return data


def test_trainer_lists_only_sessions_of_assigned_courses(client, trainer, own_session, foreign_session):
    client.force_login(trainer)
    response = client.get(ADMIN)
    assert response.status_code == 200
    listed = {obj.pk for obj in response.context["object_list"]}
    assert listed == {own_session.pk}


def test_trainer_can_edit_own_session(client, trainer, own_session):
    client.force_login(trainer)
    data = session_form(own_session.course, village=own_session.venue_village, capacity="20")
    response = client.post(f"{ADMIN}edit/{own_session.pk}/", data)
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    own_session.refresh_from_db()
    assert own_session.capacity == 20
    assert own_session.weekdays == "0,2"


@pytest.mark.parametrize("view", ["edit", "delete", "inspect", "history", "roster"])
def test_trainer_gets_404_on_another_trainers_session(client, trainer, foreign_session, view):
    client.force_login(trainer)
    assert client.get(f"{ADMIN}{view}/{foreign_session.pk}/").status_code == 404


def test_trainer_cannot_change_or_delete_another_trainers_session(client, trainer, foreign_session):
    client.force_login(trainer)
    data = session_form(foreign_session.course, village=foreign_session.venue_village, capacity="99")
    assert client.post(f"{ADMIN}edit/{foreign_session.pk}/", data).status_code == 404
    assert client.post(f"{ADMIN}delete/{foreign_session.pk}/").status_code == 404
    assert client.post(f"{ADMIN}roster/{foreign_session.pk}/", {"action": "attendance"}).status_code == 404
    enrolment = EnrolmentFactory(session=foreign_session, status="completed")
    assert client.get(f"{ADMIN}roster/{foreign_session.pk}/certificate/{enrolment.pk}/").status_code == 404
    foreign_session.refresh_from_db()
    assert foreign_session.capacity == 12
    assert not Certificate.objects.exists()


def test_trainer_cannot_create_a_session_of_an_unassigned_course(client, trainer, course, other_course, site_pages):
    from tests.factories.networks import VillageFactory

    village = VillageFactory(code="17060208")
    client.force_login(trainer)
    response = client.post(f"{ADMIN}new/", session_form(other_course, village=village))
    assert response.status_code == 200
    assert "course" in response.context["form"].errors
    assert not CourseSession.objects.exists()
    response = client.post(f"{ADMIN}new/", session_form(course, village=village))
    assert response.status_code == 302
    assert CourseSession.objects.get().course_id == course.pk


def test_editor_manages_every_session(client, make_user, own_session, foreign_session):
    editor = make_user(roles.EDITOR, is_staff=True)
    client.force_login(editor)
    listed = {obj.pk for obj in client.get(ADMIN).context["object_list"]}
    assert listed == {own_session.pk, foreign_session.pk}
    assert client.get(f"{ADMIN}edit/{foreign_session.pk}/").status_code == 200


@pytest.mark.parametrize("role", [roles.BUYER, roles.PRODUCER, roles.REGISTRY_OFFICER])
def test_other_roles_cannot_edit_sessions(client, make_user, own_session, role):
    client.force_login(make_user(role, is_staff=role == roles.REGISTRY_OFFICER))
    response = client.get(f"{ADMIN}edit/{own_session.pk}/")
    assert response.status_code in (302, 403, 404)


def test_trainer_sees_only_own_enrolments(client, trainer, own_session, foreign_session):
    mine = EnrolmentFactory(session=own_session)
    theirs = EnrolmentFactory(session=foreign_session)
    client.force_login(trainer)
    response = client.get("/admin/training_enrolments/")
    assert {obj.pk for obj in response.context["object_list"]} == {mine.pk}
    assert client.get(f"/admin/training_enrolments/inspect/{theirs.pk}/").status_code == 404
    export = client.get("/admin/training_enrolments/", {"export": "csv"})
    body = b"".join(export.streaming_content).decode() if export.streaming else export.content.decode()
    assert mine.phone in body and theirs.phone not in body


def test_member_matching_needs_the_link_permission(client, trainer, own_session, make_user):
    enrolment = EnrolmentFactory(session=own_session)
    client.force_login(trainer)
    assert client.get(f"/admin/training_enrolments/match/{enrolment.pk}/").status_code == 403
    client.force_login(make_user(roles.REGISTRY_OFFICER, is_staff=True))
    assert client.get(f"/admin/training_enrolments/match/{enrolment.pk}/").status_code == 200


def course_edit_data(course, **overrides):
    data = {
        "title": course.title,
        "slug": course.slug,
        "summary": course.summary,
        "category": course.category,
        "duration": course.duration,
        "skills_gained": "",
        "eligibility": "",
        "fee": "",
        "body": streamfield([]),
        "trainers": [user.pk for user in course.trainers.all()],
        "comments": inline_formset([]),
    }
    data.update(overrides)
    return nested_form_data(data)


def test_trainer_cannot_publish_a_course_page_only_submit_it(client, trainer, course, make_user):
    ensure_course_moderation()
    client.force_login(trainer)
    edit_url = f"/admin/pages/{course.pk}/edit/"
    assert client.get(edit_url).status_code == 200

    client.post(edit_url, {**course_edit_data(course, title="Tailoring for beginners"), "action-publish": "publish"})
    course.refresh_from_db()
    assert course.title == "Tailoring"  # the live page is unchanged: no publish permission
    assert course.has_unpublished_changes

    client.post(edit_url, {**course_edit_data(course, title="Tailoring for beginners"), "action-submit": "submit"})
    state = WorkflowState.objects.get(object_id=str(course.pk))
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    assert CoursePage.objects.get(pk=course.pk).title == "Tailoring"

    # An editor approves: now it is published.
    editor = make_user(roles.EDITOR, is_staff=True)
    task_state = state.current_task_state
    task_state.task.specific.on_action(task_state, user=editor, action_name="approve")
    assert Page.objects.get(pk=course.pk).specific.title == "Tailoring for beginners"


def test_trainer_cannot_publish_through_the_publish_permission_check(trainer, course):
    ensure_course_moderation()
    permissions = course.permissions_for_user(trainer)
    assert permissions.can_edit()
    assert not permissions.can_publish()


def test_deleting_a_session_with_enrolments_is_refused_not_a_crash(client, make_user, own_session):
    EnrolmentFactory(session=own_session)
    client.force_login(make_user(roles.EDITOR, is_staff=True))
    # Wagtail's delete view sees the protected enrolments (reference index) and refuses; where
    # the index is behind, the database's PROTECT still refuses — a refusal, never a 500.
    assert client.get(f"{ADMIN}delete/{own_session.pk}/").status_code == 200
    response = client.post(f"{ADMIN}delete/{own_session.pk}/")
    assert response.status_code in (302, 403) and response.get("Location", "/admin/") == "/admin/"
    assert CourseSession.objects.filter(pk=own_session.pk).exists()


def test_enrolment_edit_form_offers_no_member_select(client, make_user, own_session):
    enrolment = EnrolmentFactory(session=own_session)
    client.force_login(make_user(roles.EDITOR, is_staff=True))
    response = client.get(f"/admin/training_enrolments/edit/{enrolment.pk}/")
    assert response.status_code == 200
    assert "member" not in response.context["form"].fields


def test_session_form_refuses_an_invalid_status_change_and_a_capacity_below_seats(client, trainer, own_session):
    EnrolmentFactory.create_batch(3, session=own_session)
    CourseSession.objects.filter(pk=own_session.pk).update(status="completed")
    client.force_login(trainer)
    data = session_form(own_session.course, village=own_session.venue_village, status="open", capacity="2")
    response = client.post(f"{ADMIN}edit/{own_session.pk}/", data)
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"status", "capacity"}
    own_session.refresh_from_db()
    assert (own_session.status, own_session.capacity) == ("completed", 12)


# -- every admin URL, every role (issue 11 #3) ------------------------------------------------
NOT_STAFF = [roles.BUYER, roles.PRODUCER, roles.GROUP_COORDINATOR]


def test_every_admin_url_of_a_session_follows_its_policy_for_every_role(
    client, make_user, trainer, other_trainer, foreign_session
):
    from tests.admin_walk import assert_can_reach, assert_cannot_reach

    foreign_session.venue_name = "Secret venue of the other trainer"
    foreign_session.save()
    enrolment = EnrolmentFactory(session=foreign_session, status="completed", name="Enrolled elsewhere")
    extra = {"enrolment_pk": enrolment.pk}
    registry_officer = make_user(roles.REGISTRY_OFFICER, is_staff=True)
    forbidden = [trainer, make_user(roles.SAFEGUARDING_OFFICER, is_staff=True)]
    forbidden += [make_user(role, is_staff=True) for role in NOT_STAFF]
    requests = 0
    for user in forbidden + [registry_officer]:
        requests += assert_cannot_reach(
            client, user, "training_sessions", foreign_session, [foreign_session.venue_name], extra
        )
    for user in forbidden:  # the registry officer matches every enrolment to the registry
        requests += assert_cannot_reach(client, user, "training_enrolments", enrolment, ["Enrolled elsewhere"])
    assert not Certificate.objects.exists()
    assert requests > 100
    for user in (other_trainer, make_user(roles.EDITOR, is_staff=True), make_user(roles.ADMINISTRATOR, is_staff=True)):
        assert_can_reach(client, user, "training_sessions", foreign_session, foreign_session.venue_name)
    for user in (make_user(roles.EDITOR, is_staff=True), registry_officer):
        assert_can_reach(
            client, user, "training_enrolments", enrolment, "Enrolled elsewhere", views=("index", "inspect")
        )


def test_an_enrolment_linked_to_a_protected_member_does_not_name_it(client, make_user, trainer, own_session):
    """Issue 11 #2: listings, exports, inspect and the matching page show the registry link only
    to those who may see the member (a minor here)."""
    import datetime

    from tests.admin_walk import text_of
    from tests.factories.networks import MemberFactory

    minor = MemberFactory(birth_year=datetime.date.today().year - 14)
    adult = MemberFactory(birth_year=1985, name_km="ពេញវ័យ", name_latin="Grown Up")
    linked_minor = EnrolmentFactory(session=own_session, member=minor)
    linked_adult = EnrolmentFactory(session=own_session, member=adult)
    pages = [
        "/admin/training_enrolments/",
        "/admin/training_enrolments/?export=csv",
        "/admin/training_enrolments/?export=xlsx",
        f"/admin/training_enrolments/inspect/{linked_minor.pk}/",
    ]
    registry_officer = make_user(roles.REGISTRY_OFFICER, is_staff=True)
    for user in (trainer, registry_officer):
        client.force_login(user)
        for url in pages + (
            [f"/admin/training_enrolments/match/{linked_minor.pk}/"] if user == registry_officer else []
        ):
            response = client.get(url)
            assert response.status_code == 200, url
            assert f"Protected member #{minor.pk}" not in text_of(response), (user, url)
    client.force_login(registry_officer)
    assert "ពេញវ័យ" in text_of(client.get(f"/admin/training_enrolments/inspect/{linked_adult.pk}/"))
    client.force_login(make_user(roles.ADMINISTRATOR, is_staff=True))
    assert f"Protected member #{minor.pk}" in text_of(client.get("/admin/training_enrolments/?export=csv"))
