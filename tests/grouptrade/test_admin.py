"""The admin lists contributions and payouts read-only: no add, edit or delete, even for a
superuser; people without the model permission see nothing."""

from decimal import Decimal

import pytest
from django.urls import NoReverseMatch, reverse

from accounts.roles import ADMINISTRATOR, EDITOR, GROUP_COORDINATOR, PRODUCER
from marketplace.grouptrade.models import Contribution
from marketplace.grouptrade.services import payout_record
from marketplace.services import fulfilment_set_status
from tests.factories.grouptrade import contribute, contributor, pooled_lot
from tests.factories.marketplace import place_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def contribution():
    lot = pooled_lot()
    return contribute(lot, contributor(lot.group, name_km="សុខាឡូត៍"), "12")


def test_superuser_lists_and_exports_contributions_and_payouts(client, make_user, contribution):
    client.force_login(make_user(ADMINISTRATOR, is_superuser=True))
    response = client.get(reverse("grouptrade_contribution:index"))
    assert response.status_code == 200
    assert "សុខាឡូត៍" in response.content.decode()
    assert client.get(reverse("grouptrade_contribution:index") + "?export=csv").status_code == 200
    assert client.get(reverse("grouptrade_contribution:inspect", args=[contribution.pk])).status_code == 200
    assert client.get(reverse("grouptrade_payout:index")).status_code == 200


def test_nobody_edits_or_deletes_a_contribution_in_the_admin(client, make_user, contribution):
    client.force_login(make_user(ADMINISTRATOR, is_superuser=True))
    for name in ("grouptrade_contribution:edit", "grouptrade_contribution:delete"):
        try:
            url = reverse(name, args=[contribution.pk])
        except NoReverseMatch:
            continue
        assert client.post(url, {"grade": "C"}).status_code in (302, 403)
    try:
        add = reverse("grouptrade_contribution:add")
    except NoReverseMatch:
        add = None
    if add:
        assert client.post(add, {"grade": "A"}).status_code in (302, 403)
    contribution.refresh_from_db()
    assert (contribution.grade, contribution.quantity) == ("A", Decimal("12"))
    assert Contribution.objects.count() == 1


@pytest.mark.parametrize("role", [GROUP_COORDINATOR, PRODUCER, EDITOR])
def test_roles_without_the_permission_reach_nothing(client, make_user, contribution, role):
    from tests.admin_walk import assert_cannot_reach

    order = place_order((contribution.lot.product, "5"))
    fulfilment = order.fulfilments.get()
    fulfilment_set_status(fulfilment=fulfilment, status="ready")
    fulfilment_set_status(fulfilment=fulfilment, status="delivered")
    payout = payout_record(member=contribution.member, group=contribution.lot.group, amount="3.00", reference="SLIP-77")
    user = make_user(role)
    assert assert_cannot_reach(client, user, "grouptrade_contribution", contribution, ["សុខាឡូត៍"]) > 0
    assert assert_cannot_reach(client, user, "grouptrade_payout", payout, ["សុខាឡូត៍", "SLIP-77"]) > 0
