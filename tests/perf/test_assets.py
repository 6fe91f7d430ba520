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


def test_web_fonts_never_reflow_a_page_that_is_already_shown():
    """font-display: optional — a face that arrives after the first paint is kept for the next
    page instead of being swapped in (a layout shift Lighthouse counts against the page)."""
    from pathlib import Path

    from django.conf import settings

    css = (Path(settings.BASE_DIR) / "static" / "css" / "site.css").read_text()
    faces = re.findall(r"@font-face\s*{([^}]*)}", css)
    assert faces and all("font-display: optional;" in face for face in faces)
