"""Issue 10 #7: Khmer titles gave garbled slugs ("វគ្គតម្បាញថ្មីបើកចុះឈ្មោះ" → "វគគតមបញថមបកចឈម":
slug rules drop Khmer vowel signs and subscripts). Khmer pages get a readable slug instead: the
slug of their translation when there is one, else a romanisation of the title's words."""

import datetime

import pytest
from django.utils.text import slugify

from cms.models import NewsPage

pytestmark = pytest.mark.django_db

TITLE = "វគ្គតម្បាញថ្មីបើកចុះឈ្មោះ"
GARBLED = "វគគតមបញថមបកចឈម"


def _news(parent, **fields):
    page = NewsPage(title=TITLE, date=datetime.date(2026, 11, 1), **fields)
    parent.add_child(instance=page)
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def test_the_usual_slug_rules_garble_khmer():
    assert slugify(TITLE, allow_unicode=True) == GARBLED


def test_a_khmer_page_without_a_slug_gets_a_romanised_one(site_pages):
    page = _news(site_pages["news"]["km"])
    assert page.slug == "vkk-tmbanh-thmei-baeuk-choahchhmaoah"
    assert page.url == "/km/news/vkk-tmbanh-thmei-baeuk-choahchhmaoah/"


def test_the_garbled_slug_the_admin_form_proposes_is_replaced(site_pages):
    page = _news(site_pages["news"]["km"], slug=GARBLED)
    assert page.slug == "vkk-tmbanh-thmei-baeuk-choahchhmaoah"


def test_a_slug_the_editor_chose_is_kept(site_pages):
    assert _news(site_pages["news"]["km"], slug="weaving-2026").slug == "weaving-2026"


def test_a_khmer_translation_takes_the_english_page_slug(site_pages):
    english = NewsPage(title="New weaving course opens", slug="new-weaving-course", date=datetime.date(2026, 11, 1))
    site_pages["news"]["en"].add_child(instance=english)
    english.save_revision().publish()
    khmer = _news(site_pages["news"]["km"], translation_key=english.translation_key)
    assert khmer.slug == "new-weaving-course"


def test_two_pages_with_the_same_khmer_title_get_distinct_slugs(site_pages):
    first = _news(site_pages["news"]["km"])
    second = _news(site_pages["news"]["km"])
    assert first.slug != second.slug and second.slug.startswith(first.slug)
