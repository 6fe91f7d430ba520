"""A pooled lot's stock is what its contributions have left: recording, correcting or removing a
contribution must reach the cached product page and catalog at once."""

import pytest
from django.test import Client

from marketplace.grouptrade.services import contribution_delete, contribution_update
from marketplace.models import Product
from tests.factories.grouptrade import contribute, contributor, pooled_lot

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache")]


def product_path(product) -> str:
    return f"/en/market/p/{product.pk}-{product.slug}/"


def get_twice(path):
    Client().get(path)
    second = Client().get(path)
    assert second.headers.get("X-Page-Cache") == "hit"
    return second


def test_contributions_change_the_cached_product_page(site_pages, commit):
    lot = pooled_lot(title_en="Group rice", price="0.85")
    product = lot.product
    path = product_path(product)
    farmer = contributor(lot.group)
    first = commit(lambda: contribute(lot, farmer, 30))
    assert "<dd>30 " in get_twice(path).content.decode()

    second = commit(lambda: contribute(lot, contributor(lot.group), 12))
    assert "<dd>42 " in Client().get(path).content.decode()
    get_twice(path)
    commit(lambda: contribution_update(contribution=first, quantity="20"))
    assert "<dd>32 " in Client().get(path).content.decode()
    get_twice(path)
    commit(lambda: contribution_delete(contribution=second))
    response = Client().get(path)
    assert response.headers.get("X-Page-Cache") == "miss" and "<dd>20 " in response.content.decode()
    assert Product.objects.get(pk=product.pk).stock == 20
