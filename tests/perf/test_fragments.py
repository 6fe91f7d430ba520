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


def _product_reads(captured) -> list[str]:
    """The queries that read product rows with their cards' joins or photos."""
    return [
        query["sql"]
        for query in captured.captured_queries
        if "marketplace_productphoto" in query["sql"] or 'JOIN "networks_group"' in query["sql"]
    ]


def test_catalog_with_every_card_cached_reads_only_product_ids(site_pages, shop):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    first = Client().get(MARKET)
    with CaptureQueriesContext(connection) as captured:
        second = Client().get(MARKET)
    assert second.content == first.content
    assert _product_reads(captured) == []
    assert all(title in second.content.decode() for title in ("Rice A", "Krama A2", "Silk B"))


def test_a_card_missing_from_the_cache_is_read_and_shown(site_pages, shop, commit):
    Client().get(MARKET)
    product = Product.objects.get(pk=shop.product_b.pk)
    product.title_en = "Silk B, hand-woven"
    commit(product.save)  # purges this card only
    html = Client().get(MARKET).content.decode()
    assert "Silk B, hand-woven" in html and "Rice A" in html and "Krama A2" in html


def test_product_page_related_cards_come_from_the_cache(site_pages, shop):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories.marketplace import ProductFactory

    related = ProductFactory(category=shop.product_a.category, title_en="Related rice", photos=1)
    path = f"/en/market/p/{shop.product_a.pk}-{shop.product_a.slug}/"
    Client().get(path)
    with CaptureQueriesContext(connection) as captured:
        html = Client().get(path).content.decode()
    assert "Related rice" in html and f"/p/{related.pk}-" in html
    # The product's body and the related cards both come from the fragment cache.
    assert _product_reads(captured) == []


def test_catalog_filter_form_follows_the_query_and_new_categories(site_pages, shop, commit):
    from tests.factories.marketplace import CategoryFactory

    category = shop.product_a.category
    selected = f'<option value="{category.pk}" selected>'
    assert selected not in Client().get(MARKET).content.decode()
    assert selected in Client().get(MARKET, {"category": category.pk}).content.decode()
    assert selected not in Client().get(MARKET).content.decode()  # not the other query's form
    assert 'value="stale"' in Client().get(MARKET, {"q": "stale"}).content.decode()

    commit(lambda: CategoryFactory(slug="honey", name_en="Wild honey"))
    assert ">Wild honey</option>" in Client().get(MARKET).content.decode()


def test_catalog_filter_form_is_cached_per_language(site_pages, shop):
    english = Client().get(MARKET).content.decode()
    khmer = Client().get("/km/market/").content.decode()
    assert "Show products" in english and "Show products" not in khmer


def test_catalog_count_follows_a_product_published_or_withdrawn(site_pages, shop, commit):
    from tests.factories.marketplace import ProductFactory

    assert "3 products" in Client().get(MARKET).content.decode()
    assert "1 product<" in Client().get(MARKET, {"q": "silk"}).content.decode()
    added = commit(lambda: ProductFactory(group=shop.group_b, title_en="Silk scarf"))
    assert "4 products" in Client().get(MARKET).content.decode()
    assert "2 products" in Client().get(MARKET, {"q": "silk"}).content.decode()
    added.status = "archived"
    commit(added.save)
    assert "3 products" in Client().get(MARKET).content.decode()
