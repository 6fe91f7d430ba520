"""Issue 10 #3: a Khmer word inside a compound is found even where the segmenter splits the
compound wrongly ("ក្រមាតម្បាញដៃ" → "ក្រមាត ម្បាញ ដៃ", so the word "តម្បាញ" is in no segment).
Queries match the unsegmented text as well as the segmented words, in the catalog and in site
search, on SQLite and PostgreSQL."""

import datetime

import pytest

from cms.khmer import segment
from tests.factories.marketplace import ProductFactory

pytestmark = pytest.mark.django_db

COMPOUND = "ក្រមាតម្បាញដៃ"  # hand-woven krama
WORD = "តម្បាញ"  # weave


def test_the_segmenter_really_splits_this_compound_wrongly():
    assert WORD not in segment(COMPOUND).split()


@pytest.fixture
def krama(site_pages):
    return ProductFactory(title_km=COMPOUND, title_en="Hand-woven krama", description_km="", description_en="")


def test_catalog_finds_a_word_inside_a_wrongly_segmented_compound(client, krama):
    ProductFactory(title_km="អង្ករផ្កាម្លិះ", title_en="Jasmine rice")
    content = client.get("/km/market/", {"q": WORD}).content.decode()
    assert COMPOUND in content
    assert "អង្ករផ្កាម្លិះ" not in content


def test_catalog_still_needs_every_word_of_the_query(client, krama):
    assert COMPOUND not in client.get("/km/market/", {"q": f"{WORD} សូត្រ"}).content.decode()


def test_site_search_finds_the_product_and_a_page_by_a_word_inside_a_compound(client, krama, site_pages):
    news_index = site_pages["news"]["km"]
    from cms.models import NewsPage

    intro = "ក្រុមក្រមាតម្បាញដៃថ្មី"
    assert WORD not in segment(intro).split()
    news = NewsPage(title="ព័ត៌មានក្រុមថ្មី", slug="new-group", intro=intro, date=datetime.date.today())
    news_index.add_child(instance=news)
    news.save_revision().publish()
    response = client.get("/km/search/", {"q": WORD})
    content = response.content.decode()
    assert COMPOUND in content  # the product
    assert "ព័ត៌មានក្រុមថ្មី" in content  # the news page
    # A word that occurs nowhere finds nothing.
    assert "ព័ត៌មានក្រុមថ្មី" not in client.get("/km/search/", {"q": "ស្វាយចន្ទី"}).content.decode()


def test_site_search_finds_a_course_by_a_word_inside_a_compound_of_its_summary(client, site_pages):
    from tests.factories.training import CourseSessionFactory, add_course

    summary = "រៀនក្រមាតម្បាញដៃ"
    assert WORD not in segment(summary).split()
    course = add_course(site_pages["skills_center"]["km"], title="វគ្គសិប្បកម្ម", slug="crafts", summary=summary)
    CourseSessionFactory(course=course)
    content = client.get("/km/search/", {"q": WORD}).content.decode()
    assert "វគ្គសិប្បកម្ម" in content
