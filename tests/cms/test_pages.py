import re

import pytest
from wagtail.models import Page
from wagtail.test.utils import WagtailPageTestCase

from cms import models as cms
from marketplace.models import MarketPage
from training.models import CourseIndexPage

PAGE_KEYS = [
    "home",
    "market",
    "skills_center",
    "networks",
    "network:good-men-network",
    "safe_house",
    "about",
    "news",
    "news:harvest",
    "contact",
]


class PageTreeRules(WagtailPageTestCase):
    """Page types can be created where they belong and nowhere else."""

    def test_home_page_children(self):
        self.assertAllowedSubpageTypes(
            cms.HomePage,
            {
                cms.StandardPage,
                cms.NetworkIndexPage,
                cms.SafeHousePage,
                cms.ContactPage,
                cms.NewsIndexPage,
                CourseIndexPage,
                MarketPage,
            },
        )

    def test_network_pages_live_under_the_network_index(self):
        self.assertCanCreateAt(cms.NetworkIndexPage, cms.NetworkPage)
        self.assertCanNotCreateAt(cms.HomePage, cms.NetworkPage)
        self.assertCanNotCreateAt(cms.StandardPage, cms.NetworkPage)

    def test_news_pages_live_under_the_news_index(self):
        self.assertCanCreateAt(cms.NewsIndexPage, cms.NewsPage)
        self.assertCanNotCreateAt(cms.HomePage, cms.NewsPage)

    def test_leaf_pages_take_no_children(self):
        self.assertAllowedSubpageTypes(cms.SafeHousePage, {})
        self.assertAllowedSubpageTypes(cms.ContactPage, {})


@pytest.mark.django_db
@pytest.mark.parametrize("key", PAGE_KEYS)
@pytest.mark.parametrize("language", ["km", "en"])
def test_every_demo_page_renders_in_both_languages(site_pages, client, key, language):
    page = site_pages[key][language]
    assert page.locale.language_code == language
    url = page.get_url()
    assert url.startswith(f"/{language}/")
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{language}"' in html
    assert page.title in html


class DemoPagesRender(WagtailPageTestCase):
    def setUp(self):
        from cms.demo import seed_pages

        super().setUp()
        self.pages = seed_pages(log=lambda *args: None)

    def test_renderable(self):
        for key in ("home", "safe_house", "contact", "network:happy-women-network", "market", "skills_center"):
            for language in ("km", "en"):
                page = self.pages[key][language]
                self.assertPageIsRenderable(page)


@pytest.mark.django_db
def test_language_switcher_links_to_the_same_page_in_the_other_language(site_pages, client):
    html = client.get("/km/safe-house/").content.decode()
    assert 'href="/en/safe-house/" lang="en"' in html
    html = client.get("/en/networks/good-men-network/").content.decode()
    assert 'href="/km/networks/good-men-network/" lang="km"' in html


@pytest.mark.django_db
def test_root_redirects_to_khmer_by_default(site_pages, client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/km/"


@pytest.mark.django_db
def test_safe_house_page_loads_no_external_resource(site_pages, client):
    html = client.get("/km/safe-house/").content.decode()
    resource_urls = re.findall(r'<(?:script|img|link|iframe|source|video|audio)\b[^>]*?(?:src|href)="([^"]+)"', html)
    assert resource_urls, "expected at least the stylesheet"
    external = [url for url in resource_urls if re.match(r"^(https?:)?//", url)]
    assert external == []
    # The quick exit is a navigation, present and reachable without JavaScript.
    assert 'id="quick-exit"' in html
    assert "quick-exit.js" in html


@pytest.mark.django_db
def test_main_menu_lists_top_level_pages_in_the_current_language(site_pages, client):
    km_html = client.get("/km/").content.decode()
    en_html = client.get("/en/").content.decode()
    assert 'href="/km/market/"' in km_html and "ផ្សារ" in km_html
    assert 'href="/en/market/"' in en_html and ">Market<" in en_html


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["km", "en"])
def test_not_found_page_in_each_language(site_pages, client, language):
    response = client.get(f"/{language}/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert f'<html lang="{language}"' in html
    expected = "រកមិនឃើញទំព័រ" if language == "km" else "Page not found"
    assert expected in html


@pytest.mark.django_db
def test_contact_form_stores_submission_and_emails_staff(site_pages, client, mailoutbox):
    contact = site_pages["contact"]["en"]
    fields = {field.clean_name: field for field in contact.get_form_fields()}
    data = {"name": "Sokha", "email": "sokha@example.org", "phone": "012345678", "message": "Hello"}
    assert set(data) == set(fields)
    response = client.post(contact.url, data)
    assert response.status_code == 200
    assert contact.get_submission_class().objects.filter(page=contact).count() == 1
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["staff@sahakum.local"]
    assert mailoutbox[0].reply_to == ["sokha@example.org"]


@pytest.mark.django_db
def test_contact_form_rejects_missing_message(site_pages, client, mailoutbox):
    contact = site_pages["contact"]["en"]
    response = client.post(contact.url, {"name": "Sokha", "message": ""})
    assert response.status_code == 200
    assert contact.get_submission_class().objects.count() == 0
    assert mailoutbox == []
    assert "This field is required" in response.content.decode()


@pytest.mark.django_db
def test_site_search_finds_a_khmer_word_inside_a_run(site_pages, client):
    # "ផ្ទះសុវត្ថិភាព" is written as one run; the query is the second word only.
    response = client.get("/km/search/", {"q": "សុវត្ថិភាព"})
    assert response.status_code == 200
    assert "/km/safe-house/" in response.content.decode()
    response = client.get("/en/search/", {"q": "Safe House"})
    assert "/en/safe-house/" in response.content.decode()


@pytest.mark.django_db
def test_anonymous_admin_is_sent_to_login(client):
    response = client.get("/admin/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


@pytest.mark.django_db
def test_every_page_is_in_the_right_locale_tree(site_pages):
    for key in PAGE_KEYS:
        km, en = site_pages[key]["km"], site_pages[key]["en"]
        assert km.translation_key == en.translation_key
    assert Page.objects.filter(depth=2).count() == 2


@pytest.mark.django_db
def test_server_error_page_needs_no_database_or_context(rf):
    from cms.views import server_error

    response = server_error(rf.get("/km/"))
    assert response.status_code == 500
    assert "Sorry, something went wrong" in response.content.decode()


@pytest.mark.django_db
def test_editor_can_reach_the_admin_and_translate_but_a_producer_cannot(client, make_user, site_pages):
    from accounts import roles

    editor = make_user(roles.EDITOR)
    producer = make_user(roles.PRODUCER)
    assert editor.has_perm("wagtailadmin.access_admin")
    assert editor.has_perm("simple_translation.submit_translation")
    assert not producer.has_perm("wagtailadmin.access_admin")
    client.force_login(producer)
    assert client.get("/admin/").status_code == 302
    client.force_login(editor)
    assert client.get("/admin/").status_code == 200
    about = site_pages["about"]["km"]
    assert client.get(f"/admin/pages/{about.pk}/edit/").status_code == 200


@pytest.mark.django_db
def test_admin_is_in_english_even_for_a_khmer_browser(client, make_user, site_pages):
    from accounts import roles

    client.force_login(make_user(roles.EDITOR))
    response = client.get("/admin/pages/", HTTP_ACCEPT_LANGUAGE="km")
    assert response.status_code == 200
    assert '<html lang="en"' in response.content.decode()
    # The public site keeps Khmer for the same browser.
    assert '<html lang="km"' in client.get("/km/", HTTP_ACCEPT_LANGUAGE="km").content.decode()


@pytest.mark.django_db
def test_an_admin_404_is_not_redirected_into_the_public_site(client, make_user):
    from accounts import roles

    client.force_login(make_user(roles.EDITOR))
    assert client.get("/admin/no-such-screen/").status_code == 404
    # The public site still sends an unprefixed path to its Khmer page.
    assert client.get("/safe-house/")["Location"] == "/km/safe-house/"
