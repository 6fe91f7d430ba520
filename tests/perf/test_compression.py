"""HTML compression (cms/compression.py): brotli for visitors without a session, gzip (with
Django's BREACH padding) for visitors with one, nothing for clients that do not ask."""

import gzip

import brotli
import pytest
from django.test import Client

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache")]

BOTH = {"HTTP_ACCEPT_ENCODING": "gzip, deflate, br"}


def body(response) -> str:
    encoding = response.headers.get("Content-Encoding")
    if encoding == "br":
        return brotli.decompress(response.content).decode()
    if encoding == "gzip":
        return gzip.decompress(response.content).decode()
    return response.content.decode()


@pytest.mark.parametrize("cached", [False, True])
def test_anonymous_html_is_brotli_compressed(site_pages, settings, cached):
    if not cached:
        settings.PAGE_CACHE_SECONDS = 0
    Client().get("/en/", **BOTH)
    response = Client().get("/en/", **BOTH)
    assert response.headers.get("X-Page-Cache") == ("hit" if cached else None)
    assert response.headers["Content-Encoding"] == "br"
    assert "Accept-Encoding" in response.headers["Vary"]
    html = body(response)
    assert "<html" in html and len(response.content) < len(html.encode()) / 3
    assert int(response.headers["Content-Length"]) == len(response.content)


def test_gzip_only_client_gets_gzip_and_plain_client_gets_plain(site_pages):
    Client().get("/en/")
    gz = Client().get("/en/", HTTP_ACCEPT_ENCODING="gzip")
    assert gz.headers["Content-Encoding"] == "gzip" and "<html" in body(gz)
    plain = Client().get("/en/")
    assert "Content-Encoding" not in plain.headers and "<html" in plain.content.decode()


def test_visitor_with_a_session_gets_padded_gzip_never_brotli(site_pages, make_user):
    client = Client()
    client.force_login(make_user())
    sizes = set()
    for _ in range(4):
        response = client.get("/en/", **BOTH)
        assert response.headers["Content-Encoding"] == "gzip"
        assert "Sign out" in body(response)
        sizes.add(len(response.content))
    assert len(sizes) > 1  # random padding: the length does not follow the content


def test_cached_page_with_a_form_is_compressed_per_visitor(site_pages, shop):
    path = f"/en/market/p/{shop.product_a.pk}-{shop.product_a.slug}/"
    Client().get(path)
    first, second = Client().get(path, **BOTH), Client().get(path, **BOTH)
    assert first.headers["X-Page-Cache"] == second.headers["X-Page-Cache"] == "hit"
    assert first.headers["Content-Encoding"] == "br"
    assert "csrfmiddlewaretoken" in body(first) and body(first) != body(second)
