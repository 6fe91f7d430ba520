"""The message log in the Wagtail admin: read-only, staff only, protected members hidden
except from those the registry lets see them."""

import pytest

from accounts import roles
from notifications.models import Delivery
from tests.factories.networks import MemberFactory

pytestmark = pytest.mark.django_db
INDEX = "/admin/notifications/deliveries/"


@pytest.fixture
def log():
    adult = MemberFactory(name_latin="Adult Producer")
    minor = MemberFactory(name_latin="Young Learner", birth_year=2014)
    shown = Delivery.objects.create(
        key="a", event="order_paid", channel="sms", status="sent", member=adult, body="OK-ADULT"
    )
    hidden = Delivery.objects.create(
        key="b", event="waitlist_promoted", channel="sms", status="failed", member=minor, body="SECRET-MINOR"
    )
    return shown, hidden


def test_administrator_sees_log_filters_and_inspects(client, make_user, log):
    shown, hidden = log
    client.force_login(make_user(roles.ADMINISTRATOR, is_staff=True))
    response = client.get(INDEX)
    assert response.status_code == 200
    assert f"inspect/{shown.pk}/" in response.content.decode()
    failed_only = client.get(INDEX, {"status": "failed"}).content.decode()
    assert f"inspect/{hidden.pk}/" in failed_only and f"inspect/{shown.pk}/" not in failed_only
    page = client.get(f"{INDEX}inspect/{shown.pk}/")
    assert page.status_code == 200 and "OK-ADULT" in page.content.decode()


def test_staff_given_the_log_without_safeguarding_do_not_see_protected_members(client, make_user, log):
    from django.contrib.auth.models import Permission

    shown, hidden = log
    officer = make_user(roles.REGISTRY_OFFICER, is_staff=True)
    officer.user_permissions.add(Permission.objects.get(codename="view_delivery"))
    officer = type(officer).objects.get(pk=officer.pk)
    assert list(Delivery.objects.visible_to(officer)) == [shown]
    client.force_login(officer)
    listing = client.get(INDEX).content.decode()
    assert f"inspect/{shown.pk}/" in listing and f"inspect/{hidden.pk}/" not in listing
    assert client.get(f"{INDEX}inspect/{hidden.pk}/").status_code == 404


def test_safeguarding_officer_sees_protected_entries(make_user, log):
    officer = make_user(roles.SAFEGUARDING_OFFICER, is_staff=True)
    assert set(Delivery.objects.visible_to(officer)) == set(log)


@pytest.mark.parametrize("role", [roles.EDITOR, roles.TRAINER, roles.PRODUCER, roles.REGISTRY_OFFICER])
def test_other_roles_see_nothing(client, make_user, log, role):
    user = make_user(role, is_staff=True)
    assert not Delivery.objects.visible_to(user).exists()
    client.force_login(user)
    response = client.get(INDEX)
    assert response.status_code in (302, 403)
    assert client.get(f"{INDEX}inspect/{log[0].pk}/").status_code in (302, 403, 404)


def test_nobody_adds_edits_or_deletes(client, make_user, log):
    client.force_login(make_user(roles.ADMINISTRATOR, is_staff=True))
    shown, _ = log
    assert client.get(f"{INDEX}new/").status_code in (302, 403, 404)
    assert client.get(f"{INDEX}edit/{shown.pk}/").status_code in (302, 403, 404)
    assert client.post(f"{INDEX}delete/{shown.pk}/").status_code in (302, 403, 404)
    assert Delivery.objects.filter(pk=shown.pk).exists()


def test_every_admin_url_refuses_what_a_role_may_not_see(client, make_user, log):
    """The whole viewset walked (GET and POST of every URL): the protected member's entry never
    shows to staff given the log without the safeguarding role, nor any entry to other roles,
    and nothing changes."""
    from django.contrib.auth.models import Permission

    from tests.admin_walk import assert_cannot_reach

    shown, hidden = log
    given_log = make_user(roles.REGISTRY_OFFICER, is_staff=True)
    given_log.user_permissions.add(Permission.objects.get(codename="view_delivery"))
    assert_cannot_reach(client, given_log, "notification_deliveries", hidden, ["SECRET-MINOR"])
    for role in (roles.EDITOR, roles.TRAINER, roles.PRODUCER):
        user = make_user(role, is_staff=True)
        assert_cannot_reach(client, user, "notification_deliveries", shown, ["OK-ADULT"])
        assert_cannot_reach(client, user, "notification_deliveries", hidden, ["SECRET-MINOR"])
