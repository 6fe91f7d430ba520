"""Wagtail's URL routing from the fragment cache (cms.cache.install_route_cache): a page served
again costs no page query, and every change that moves a URL is seen at once."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fragment_cache")]


def _page_queries(path):
    Client().get(path)
    with CaptureQueriesContext(connection) as captured:
        response = Client().get(path)
    return response, [q["sql"] for q in captured.captured_queries if "wagtailcore_page" in q["sql"]]


def test_a_page_served_again_runs_no_routing_query(site_pages, shop):
    response, queries = _page_queries(site_pages["about"]["en"].url)
    assert response.status_code == 200 and queries == []
    response, queries = _page_queries(f"/km/market/p/{shop.product_a.pk}-{shop.product_a.slug}/")
    assert response.status_code == 200 and queries == []


def test_unpublish_and_publish_again(site_pages, commit):
    about = site_pages["about"]["en"].specific
    url = about.url
    assert Client().get(url).status_code == 200
    commit(about.unpublish)
    assert Client().get(url).status_code == 404
    commit(lambda: about.save_revision().publish())
    assert Client().get(url).status_code == 200


def test_a_new_slug_moves_the_page(site_pages, commit):
    about = site_pages["about"]["en"].specific
    old_url = about.url
    assert Client().get(old_url).status_code == 200
    about.slug = "who-we-are"
    commit(lambda: about.save_revision().publish())
    moved = Client().get(old_url)  # not the page any more: Wagtail's redirect to the new slug
    assert moved.status_code == 301 and moved["Location"].endswith("/who-we-are/")
    response = Client().get(Page.objects.get(pk=about.pk).url)
    assert response.status_code == 200 and "/who-we-are/" in response.wsgi_request.path


def test_a_published_title_shows(site_pages, commit):
    about = site_pages["about"]["en"].specific
    Client().get(about.url)
    about.title = "All about the cooperative"
    commit(lambda: about.save_revision().publish())
    assert "All about the cooperative" in Client().get(about.url).content.decode()


def test_a_deleted_page_is_gone(site_pages, commit):
    about = site_pages["about"]["en"].specific
    url = about.url
    assert Client().get(url).status_code == 200
    commit(about.delete)
    assert Client().get(url).status_code == 404


def test_a_moved_page_answers_at_its_new_place(site_pages, commit):
    about = Page.objects.get(pk=site_pages["about"]["en"].pk)
    old_url = about.url
    assert Client().get(old_url).status_code == 200
    target = Page.objects.get(pk=site_pages["market"]["en"].pk)
    commit(lambda: about.move(target, pos="last-child"))
    moved = Client().get(old_url)  # not the page any more: Wagtail's redirect to its new place
    assert moved.status_code == 301 and moved["Location"].endswith("/market/about/")
    assert Client().get(Page.objects.get(pk=about.pk).url).status_code == 200


def test_an_unknown_slug_is_not_remembered_as_missing(site_pages, commit):
    assert Client().get("/en/newsroom/").status_code == 404
    assert Client().get("/en/newsroom/").status_code == 404
    home = site_pages["home"]["en"].specific
    about = Page.objects.get(pk=site_pages["about"]["en"].pk).specific
    commit(
        lambda: about.copy(to=home, update_attrs={"slug": "newsroom", "title": "Newsroom"}).save_revision().publish()
    )
    assert Client().get("/en/newsroom/").status_code == 200
