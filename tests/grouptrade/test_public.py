"""What a buyer sees of a pooled lot: one product "from N members of <group>", N being the
members whose goods the lot still holds; the card costs no query of its own."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from marketplace.grouptrade.services import contribution_delete
from tests.factories.grouptrade import contribute, contributor, pooled_lot
from tests.factories.marketplace import ProductFactory, place_order
from tests.factories.networks import GroupFactory

pytestmark = pytest.mark.django_db

MARKET = "/en/market/"


def product_page(product) -> str:
    return Client().get(f"{MARKET}p/{product.pk}-{product.slug}/").content.decode()


def test_a_pooled_lot_says_how_many_members_it_comes_from(site_pages):
    group = GroupFactory(name_en="Srah rice growers")
    lot = pooled_lot(group=group, title_en="Group rice", price="1.00")
    today = datetime.date.today()
    first, second, third = (contributor(group) for _ in range(3))
    contribute(lot, first, 10, day=today - datetime.timedelta(days=2))
    contribute(lot, second, 5, day=today - datetime.timedelta(days=1))
    unsold = contribute(lot, third, 5, day=today)
    contribute(lot, second, 5, day=today)  # a member counts once
    assert "from 3 members of Srah rice growers" in product_page(lot.product)
    assert "from 3 members of Srah rice growers" in Client().get(MARKET).content.decode()

    place_order((lot.product, "10"))  # the first member's 10 kg are sold (first in, first out)
    assert "from 2 members of Srah rice growers" in product_page(lot.product)
    contribution_delete(contribution=unsold)
    assert "from 1 member of Srah rice growers" in product_page(lot.product)


def test_an_ordinary_product_says_nothing_of_members(site_pages):
    product = ProductFactory(title_en="Mangoes", stock=Decimal("10"))
    assert "member of" not in product_page(product) and "members of" not in product_page(product)


def test_catalog_queries_do_not_grow_with_pooled_lots(site_pages):
    def catalog_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert Client().get(f"{MARKET}?per_page=48").status_code == 200
        return len(queries)

    group = GroupFactory()
    lot = pooled_lot(group=group)
    contribute(lot, contributor(group), 4)
    few = catalog_queries()
    for _ in range(6):
        lot = pooled_lot(group=group)
        for _ in range(3):
            contribute(lot, contributor(group), 2)
    assert catalog_queries() == few
