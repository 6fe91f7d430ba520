"""Fragments cached between requests (page cache off): each is purged by what it shows."""

from decimal import Decimal

import pytest
from django.test import Client

from cms.models import SiteSettings
from marketplace.models import Product

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fragment_cache")]

MARKET = "/en/market/"


def test_catalog_cards_follow_price_stock_group_and_exchange_rate(site_pages, shop, commit):
    html = Client().get(MARKET).content.decode()
    assert "$1.20" in html and "Group A" in html
    assert Client().get(MARKET).content.decode() == html  # served from the card fragments

    product = Product.objects.get(pk=shop.product_a.pk)
    product.price, product.stock = Decimal("8.40"), Decimal("0")
    commit(product.save)
    html = Client().get(MARKET).content.decode()
    assert "$8.40" in html and "$1.20" not in html and "Sold out" in html

    group = shop.group_a
    group.name_en = "Renamed weavers"
    commit(group.save)
    assert "Renamed weavers" in Client().get(MARKET).content.decode()

    row = SiteSettings.for_site(site_pages["home"]["km"].get_site())
    row.khr_per_usd = Decimal("5000")
    commit(row.save)
    assert "42,000" in Client().get(MARKET).content.decode()  # $8.40 × 5,000 ៛


def test_menu_follows_a_page_leaving_it(site_pages, commit):
    about = site_pages["about"]["km"].specific
    assert f">{about.title}<" in Client().get("/km/safe-house/").content.decode()
    about.show_in_menus = False
    commit(lambda: about.save_revision().publish())
    assert f">{about.title}<" not in Client().get("/km/safe-house/").content.decode()
