"""Acting for others, audited (issue #14, part 6): whoever lists goods, records a contribution,
a payout or a fee, or links/completes/withdraws an enrolment for a member is the actor of a
Wagtail log entry in the member's admin history; only users who may see her read it."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from wagtail.admin.utils import get_user_display_name
from wagtail.models import ModelLogEntry

from accounts import roles
from marketplace.grouptrade.exceptions import GroupTradeError
from marketplace.grouptrade.services import contribution_add, contribution_delete, contribution_update, group_fee_set
from marketplace.models import Product
from networks import audit
from tests.factories.grouptrade import pooled_lot
from tests.factories.networks import GroupFactory, MembershipFactory, NetworkFactory
from tests.factories.training import CourseSessionFactory, EnrolmentFactory, add_course
from tests.marketplace.conftest import Shop
from training.services import enrolment_complete, enrolment_link_member, enrolment_withdraw

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop(db, make_user):
    return Shop(make_user)


@pytest.fixture
def officer(make_user):
    return make_user(roles.REGISTRY_OFFICER, is_staff=True)


def entries(member, action=None):
    found = ModelLogEntry.objects.for_instance(member).order_by("pk")
    return list(found.filter(action=action) if action else found)


def history(client, member):
    return client.get(reverse("networks_member:history", args=[member.pk]), HTTP_ACCEPT_LANGUAGE="en")


def test_a_contribution_recorded_by_the_coordinator_shows_in_her_history(client, shop, officer):
    lot = pooled_lot(group=shop.group_a)
    contribution = contribution_add(lot=lot, member=shop.member_a2, quantity=Decimal("5"), actor=shop.coordinator_user)
    [entry] = entries(shop.member_a2, audit.CONTRIBUTION_ADD)
    assert entry.user == shop.coordinator_user and entry.data["for_other"] is True
    assert entry.data["object_id"] == contribution.pk
    client.force_login(officer)
    response = history(client, shop.member_a2)
    assert response.status_code == 200
    html = response.content.decode()
    assert get_user_display_name(shop.coordinator_user) in html
    assert "Recorded a contribution" in html and "(done for her)" in html


def test_corrections_and_deletions_are_logged_too(shop):
    lot = pooled_lot(group=shop.group_a)
    contribution = contribution_add(lot=lot, member=shop.member_a2, quantity=Decimal("5"), actor=shop.coordinator_user)
    contribution_update(contribution=contribution, quantity=Decimal("4"), actor=shop.coordinator_user)
    contribution_delete(contribution=contribution, actor=shop.coordinator_user)
    actions = [entry.action for entry in entries(shop.member_a2)]
    assert actions == [audit.CONTRIBUTION_ADD, audit.CONTRIBUTION_EDIT, audit.CONTRIBUTION_DELETE]


def test_a_coordinator_listing_for_a_member_is_the_actor(client, shop):
    client.force_login(shop.coordinator_user)
    data = {
        "group": shop.group_a.pk,
        "producer": shop.member_a2.pk,
        "category": shop.product_a.category.pk,
        "title_km": "ត្រសក់",
        "title_en": "Cucumber",
        "unit": "kg",
        "price": "0.75",
        "stock": "40",
        "minimum_order": "1",
    }
    assert client.post("/en/my-shop/products/add/", data).status_code == 302
    product = Product.objects.get(title_en="Cucumber")
    client.post(f"/en/my-shop/products/{product.pk}/stock/", {"stock": "7"})
    client.post(f"/en/my-shop/products/{product.pk}/status/", {"action": "submit"})
    logged = entries(shop.member_a2)
    assert [entry.action for entry in logged] == [audit.PRODUCT_CREATE, audit.PRODUCT_STOCK, audit.PRODUCT_STATUS]
    assert {entry.user for entry in logged} == {shop.coordinator_user}
    assert all(entry.data["for_other"] for entry in logged)
    # Nothing is logged in the coordinator's own history for it.
    assert entries(shop.coordinator) == []


def test_a_members_own_action_is_logged_as_herself(client, shop):
    client.force_login(shop.producer_a_user)
    client.post(f"/en/my-shop/products/{shop.product_a.pk}/stock/", {"stock": "9"})
    [entry] = entries(shop.producer_a, audit.PRODUCT_STOCK)
    assert entry.user == shop.producer_a_user and entry.data["for_other"] is False


def test_a_refused_write_logs_nothing(shop):
    lot = pooled_lot(group=shop.group_a)
    with pytest.raises(GroupTradeError):
        contribution_add(lot=lot, member=shop.producer_b, quantity=Decimal("5"), actor=shop.coordinator_user)
    assert entries(shop.producer_b) == []


def test_a_fee_is_logged_in_the_groups_history(shop):
    group_fee_set(
        group=shop.group_a, percent=Decimal("5"), effective_from=timezone.localdate(), actor=shop.coordinator_user
    )
    [entry] = ModelLogEntry.objects.for_instance(shop.group_a).filter(action=audit.FEE_SET)
    assert entry.user == shop.coordinator_user


def test_enrolment_link_completion_and_withdrawal_are_logged(shop, site_pages, make_user):
    trainer = make_user(roles.TRAINER, is_staff=True)
    course = add_course(site_pages["skills_center"]["km"], title="Tailoring")
    enrolment = EnrolmentFactory(session=CourseSessionFactory(course=course))
    enrolment_link_member(enrolment=enrolment, member=shop.member_a2, actor=trainer)
    enrolment_complete(enrolment=enrolment, actor=trainer)
    enrolment_complete(enrolment=enrolment, completed=False, actor=trainer)
    enrolment_withdraw(token=enrolment.token, actor=trainer)
    logged = entries(shop.member_a2)
    assert [entry.action for entry in logged] == [
        audit.ENROLMENT_LINK,
        audit.ENROLMENT_COMPLETE,
        audit.ENROLMENT_UNCOMPLETE,
        audit.ENROLMENT_WITHDRAW,
    ]
    assert {entry.user for entry in logged} == {trainer}


def test_only_users_who_may_see_her_read_her_history(client, shop, officer, make_user):
    """A registry officer does not see a member of a sensitive network (404), nor her entries in
    the site history; a safeguarding officer does; a coordinator has no registry access."""
    survivor = shop.member_a2
    MembershipFactory(
        member=survivor, group=GroupFactory(network=NetworkFactory(slug="happy-women-network", is_sensitive=True))
    )
    lot = pooled_lot(group=shop.group_a)
    contribution_add(lot=lot, member=survivor, quantity=Decimal("5"), actor=shop.coordinator_user)
    client.force_login(officer)
    response = history(client, survivor)
    assert response.status_code in {302, 404}
    assert (
        "Recorded a contribution"
        not in client.get(reverse("wagtailadmin_reports:site_history"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    )
    client.force_login(make_user(roles.SAFEGUARDING_OFFICER, is_staff=True))
    response = history(client, survivor)
    assert response.status_code == 200 and "Recorded a contribution" in response.content.decode()
    client.force_login(shop.coordinator_user)
    assert history(client, survivor).status_code in {302, 403, 404}
