"""Khmer keyword search: Khmer is written without spaces, so the product text and the query
are both segmented into words (cms.khmer); PostgreSQL adds trigram similarity for typos."""

import pytest

from marketplace.models import Product
from tests.factories.marketplace import ProductFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def pepper(db):
    return ProductFactory(title_km="ម្រេចកំពតសរីរាង្គ", title_en="Organic Kampot pepper")


def test_segmented_text_is_stored(pepper):
    words = pepper.search_text.split()
    assert {"ម្រេច", "កំពត"} <= set(words)


def test_khmer_word_inside_a_title_is_found(pepper):
    ProductFactory(title_km="អង្ករផ្កាម្លិះ", title_en="Jasmine rice")
    assert list(Product.objects.search("កំពត")) == [pepper]


def test_every_query_word_must_match(pepper):
    ProductFactory(title_km="ម្រេចខ្មៅ", title_en="Black pepper")
    # "ម្រេចកំពត" is segmented into ម្រេច + កំពត: only the Kampot pepper has both.
    assert list(Product.objects.search("ម្រេចកំពត")) == [pepper]
    assert Product.objects.search("ម្រេច").count() == 2


def test_english_keywords_are_case_insensitive(pepper):
    assert list(Product.objects.search("KAMPOT")) == [pepper]


def test_title_change_updates_the_search_text(pepper):
    pepper.title_km = "ស្ករត្នោត"
    pepper.save(update_fields=["title_km"])
    pepper.refresh_from_db()
    assert Product.objects.search("កំពត").count() == 0
    assert "ស្ករ" in pepper.search_text


@pytest.mark.postgres
def test_misspelling_is_found_by_trigram_similarity_on_postgresql(pepper):
    ProductFactory(title_km="អង្ករ", title_en="Jasmine rice")
    assert list(Product.objects.search("kampott")) == [pepper]
    assert list(Product.objects.search("peper")) == [pepper]


def test_catalog_keyword_filter_uses_segmentation(client, site_pages, pepper):
    response = client.get("/km/market/", {"q": "កំពត"})
    assert list(response.context["products"]) == [pepper]
