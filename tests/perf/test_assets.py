"""Only the font face a page starts with is preloaded."""

import re

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

PRELOAD = re.compile(r'<link rel="preload" href="([^"]+)" as="font"')


@pytest.mark.parametrize(("language", "face"), [("km", "khmer-400"), ("en", "latin-400")])
def test_one_font_preload_for_the_page_language(site_pages, language, face):
    html = Client().get(f"/{language}/").content.decode()
    preloads = PRELOAD.findall(html)
    assert len(preloads) == 1 and face in preloads[0]
