"""The admin lists contributions and payouts read-only: no add, edit or delete, even for a
superuser; people without the model permission see nothing."""

from decimal import Decimal

import pytest
from django.urls import NoReverseMatch, reverse

from accounts.roles import ADMINISTRATOR, GROUP_COORDINATOR
from marketplace.grouptrade.models import Contribution
from tests.factories.grouptrade import contribute, contributor, pooled_lot

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


def test_a_coordinator_without_the_permission_sees_nothing(client, make_user, contribution):
    client.force_login(make_user(GROUP_COORDINATOR))
    response = client.get(reverse("grouptrade_contribution:index"))
    assert response.status_code in (302, 403)
    assert "សុខាឡូត៍" not in response.content.decode()
