"""The anonymous page cache (cms/cache.py): what it serves, what it never holds, and that
every kind of change that moves a public page purges it. Runs on SQLite and PostgreSQL."""

import re
from decimal import Decimal

import pytest
from django.test import Client
from django.test.signals import template_rendered

from cms import cache as page_cache_module
from cms.models import NetworkPage, SiteSettings
from marketplace.models import Product, ProductPhoto
from tests.factories.marketplace import ImageFactory, place_order
from tests.factories.networks import GroupFactory, NetworkFactory
from tests.factories.training import CourseSessionFactory, add_course
from training.services import enrolment_create

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache")]

MARKET = "/en/market/"
TOKEN_RE = re.compile(r'name="csrfmiddlewaretoken" value="([A-Za-z0-9]{64})"')


def status(response) -> str | None:
    return response.headers.get("X-Page-Cache")


def get_twice(path):
    """The first visitor fills the cache, the second is served from it."""
    first = Client().get(path)
    second = Client().get(path)
    return first, second


def product_path(product) -> str:
    return f"{MARKET}p/{product.pk}-{product.slug}/"


# --- what is served from the cache -----------------------------------------------------------


@pytest.mark.parametrize(
    "path", ["/km/", "/en/", "/km/market/", "/en/skills-center/", "/en/networks/", "/km/safe-house/"]
)
def test_public_pages_are_cached_for_anonymous_visitors(site_pages, path):
    first, second = get_twice(path)
    assert first.status_code == 200 and status(first) == "miss"
    assert second.status_code == 200 and status(second) == "hit"
    assert second.content == first.content
    # Headers set by the middleware inside the cache are kept on a hit.
    assert second.headers.get("X-Frame-Options") == first.headers.get("X-Frame-Options")
    assert second.headers.get("Content-Security-Policy") == first.headers.get("Content-Security-Policy")


def test_key_holds_language_and_full_query_string(site_pages, shop):
    Client().get(MARKET)
    assert status(Client().get(MARKET)) == "hit"
    assert status(Client().get("/km/market/")) == "miss"
    assert status(Client().get(MARKET + "?q=silk")) == "miss"
    silk = Client().get(MARKET + "?q=silk")
    assert status(silk) == "hit" and "Silk B" in silk.content.decode() and "Rice A" not in silk.content.decode()
    assert status(Client().get(MARKET + "?q=rice")) == "miss"


def test_product_page_stays_cached_and_each_visitor_gets_a_working_token_of_its_own(site_pages, shop):
    path = product_path(shop.product_a)
    Client().get(path)
    alice, bob = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    page_a, page_b = alice.get(path), bob.get(path)
    assert status(page_a) == status(page_b) == "hit"
    tokens_a, tokens_b = TOKEN_RE.findall(page_a.content.decode()), TOKEN_RE.findall(page_b.content.decode())
    assert tokens_a and tokens_b and not set(tokens_a) & set(tokens_b)
    assert "csrftoken" in page_a.cookies and "__sahakum_csrf" not in page_a.content.decode()
    added = alice.post(
        MARKET + "cart/add/", {"product": shop.product_a.pk, "quantity": "2", "csrfmiddlewaretoken": tokens_a[0]}
    )
    assert added.status_code == 302
    # Bob's token is no good with Alice's cookie.
    refused = alice.post(
        MARKET + "cart/add/", {"product": shop.product_a.pk, "quantity": "2", "csrfmiddlewaretoken": "x" * 64}
    )
    assert refused.status_code == 403


# --- what is never stored or served ----------------------------------------------------------


def test_visitor_with_a_cart_sees_her_own_cart_link_and_others_see_theirs(site_pages, shop):
    anonymous = Client()
    assert "Cart (0 items)" in anonymous.get(MARKET).content.decode()
    buyer = Client()
    buyer.post(MARKET + "cart/add/", {"product": shop.product_a.pk, "quantity": "2"})
    with_cart = buyer.get(MARKET)
    assert status(with_cart) is None and "Cart (1 item)" in with_cart.content.decode()
    later = Client().get(MARKET)
    assert status(later) == "hit" and "Cart (0 items)" in later.content.decode()


def test_signed_in_user_is_never_served_from_the_cache_nor_stored(site_pages, shop):
    Client().get(MARKET)  # an anonymous copy exists
    member = Client()
    member.force_login(shop.producer_a_user)
    for path in ("/en/", MARKET, product_path(shop.product_a)):
        response = member.get(path)
        assert status(response) is None
        assert "Sign out" in response.content.decode()
    anonymous = Client().get("/en/")
    html = anonymous.content.decode()
    assert status(anonymous) == "miss" and "Sign out" not in html and "Sign in" in html


def test_flash_messages_are_not_cached(site_pages, shop):
    client = Client()
    client.post(MARKET + "cart/add/", {"product": shop.product_a.pk, "quantity": "2"})
    response = client.get(MARKET)
    assert status(response) is None


def test_personal_pages_are_never_cached(site_pages, shop, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        order = place_order(shop.product_a, buyer_name="Dara Private", buyer_email="")
    receipt = order.get_absolute_url()
    for path in (receipt, MARKET + "cart/", "/en/my-shop/", "/en/search/?q=rice", "/admin/login/"):
        Client().get(path)
        again = Client().get(path)
        assert status(again) != "hit", path
    assert "Dara Private" in Client().get(receipt).content.decode()


def test_a_page_rendered_before_a_purge_is_not_served_after_it(site_pages, shop):
    """The race: a request renders old data, a purge lands, then the request stores its page."""

    def purge_during_render(sender, **kwargs):
        template_rendered.disconnect(purge_during_render)
        page_cache_module.purge_now(page_cache_module.TAG_CATALOG)

    template_rendered.connect(purge_during_render)
    try:
        assert status(Client().get(MARKET)) == "miss"
    finally:
        template_rendered.disconnect(purge_during_render)
    assert status(Client().get(MARKET)) == "miss"
    assert status(Client().get(MARKET)) == "hit"


def test_lifetime_zero_turns_the_cache_off(site_pages, settings):
    settings.PAGE_CACHE_SECONDS = 0
    _first, second = get_twice("/en/")
    assert status(second) is None


# --- purges: each change shows on the cached page --------------------------------------------


def test_price_change_purges_product_page_catalog_and_home(site_pages, shop, commit):
    paths = [product_path(shop.product_a), MARKET, "/en/"]
    for path in paths:
        get_twice(path)
    assert "$1.20" in Client().get(product_path(shop.product_a)).content.decode()
    product = shop.product_a

    def change():
        product.price = Decimal("7.77")
        product.save()

    commit(change)
    for path in paths[:2]:
        response = Client().get(path)
        assert status(response) == "miss" and "$7.77" in response.content.decode(), path
    assert status(Client().get("/en/")) == "miss"


def test_a_product_change_leaves_unrelated_pages_cached(site_pages, shop, commit):
    get_twice("/en/safe-house/")
    commit(lambda: Product.objects.get(pk=shop.product_a.pk).save())
    assert status(Client().get("/en/safe-house/")) == "hit"


def test_stock_taken_by_an_order_shows_on_the_cached_product_page(site_pages, shop, commit):
    path = product_path(shop.product_a)
    get_twice(path)
    commit(lambda: place_order((shop.product_a, "30"), buyer_email=""))
    response = Client().get(path)
    assert status(response) == "miss" and "<dd>70 " in response.content.decode()


def test_unpublishing_a_product_removes_it_from_cached_pages(site_pages, shop, commit):
    path = product_path(shop.product_b)
    get_twice(path)
    get_twice(MARKET)
    product = Product.objects.get(pk=shop.product_b.pk)
    product.status = Product.Status.ARCHIVED
    commit(product.save)
    assert Client().get(path).status_code == 404
    assert "Silk B" not in Client().get(MARKET).content.decode()


def test_new_photo_shows_on_cached_product_page(site_pages, shop, commit):
    path = product_path(shop.product_a)
    get_twice(path)
    assert "<picture" not in Client().get(path).content.decode()
    commit(lambda: ProductPhoto.objects.create(product=shop.product_a, image=ImageFactory()))
    assert "<picture" in Client().get(path).content.decode()


def test_session_seats_and_status_show_on_cached_course_page(site_pages, commit):
    skills = site_pages["skills_center"]["km"]
    course = add_course(skills, title="Tailoring")
    session = CourseSessionFactory(course=course, capacity=3)
    path = course.url
    get_twice(path)
    before = Client().get(path).content.decode()
    commit(
        lambda: enrolment_create(session_id=session.pk, name="ចាន់ ធីតា", phone="012 345 678", gender="female", age=24)
    )
    after = Client().get(path)
    assert status(after) == "miss" and after.content.decode() != before
    get_twice(path)

    def close():
        session.refresh_from_db()
        session.status = "cancelled"
        session.save()

    commit(close)
    assert status(Client().get(path)) == "miss"


def test_exchange_rate_change_shows_on_cached_pages(site_pages, shop, commit):
    path = product_path(shop.product_a)
    get_twice(path)
    settings_row = SiteSettings.for_site(site_pages["home"]["km"].get_site())
    before = Client().get(path).content.decode()

    def change():
        settings_row.khr_per_usd = Decimal("5000")
        settings_row.save()

    commit(change)
    after = Client().get(path)
    assert status(after) == "miss" and "6,000" in after.content.decode() and after.content.decode() != before


def test_page_publish_and_unpublish_purge_the_page_and_the_menus(site_pages, commit):
    home = site_pages["home"]["km"].specific
    about = site_pages["about"]["km"].specific
    assert about.show_in_menus
    get_twice("/km/")
    get_twice(about.url)
    home.intro = "A brand new introduction."
    commit(lambda: home.save_revision().publish())
    assert "A brand new introduction." in Client().get("/km/").content.decode()
    get_twice("/km/")
    assert f">{about.title}<" in Client().get("/km/").content.decode()
    commit(about.unpublish)
    assert Client().get(about.url).status_code == 404
    assert f">{about.title}<" not in Client().get("/km/").content.decode()


def test_registry_change_moves_cached_network_figures(site_pages, commit):
    network = NetworkFactory()
    index = site_pages["networks"]["en"]
    page = NetworkPage(title="Test network", slug="test-network", network=network, locale=index.locale)
    commit(lambda: index.add_child(instance=page))
    commit(lambda: page.save_revision().publish())
    get_twice(page.url)
    assert '<strong data-figure="groups">0</strong>' in Client().get(page.url).content.decode()
    commit(lambda: GroupFactory(network=network))
    response = Client().get(page.url)
    assert status(response) == "miss" and '<strong data-figure="groups">1</strong>' in response.content.decode()


def test_member_import_moves_cached_network_figures(site_pages, make_user, commit):
    from accounts import roles
    from networks.services import members_import
    from tests.factories.networks import VillageFactory
    from tests.networks.test_import import _csv, _row

    VillageFactory(code="17060208")
    network = NetworkFactory()
    group = GroupFactory(network=network)
    index = site_pages["networks"]["en"]
    page = NetworkPage(title="Imported network", slug="imported-network", network=network, locale=index.locale)
    commit(lambda: index.add_child(instance=page))
    get_twice(page.url)
    assert '<strong data-figure="members">0</strong>' in Client().get(page.url).content.decode()
    rows = [
        _row(name_latin=f"Member {n}", name_km="", phone="", group_id=str(group.pk), role="member", joined="2023-05-01")
        for n in range(6)
    ]
    officer = make_user(roles.REGISTRY_OFFICER)
    commit(lambda: members_import(data=_csv(rows), user=officer))
    response = Client().get(page.url)
    assert status(response) == "miss" and '<strong data-figure="members">6</strong>' in response.content.decode()


def test_a_page_made_private_is_no_longer_served_from_the_cache(site_pages, commit):
    from wagtail.models import PageViewRestriction

    page = site_pages["about"]["en"]
    first, second = get_twice(page.url)
    assert status(second) == "hit"
    commit(lambda: PageViewRestriction.objects.create(page=page, restriction_type="password", password="secret"))
    after = Client().get(page.url)
    assert status(after) != "hit"
    assert after.content != first.content and 'name="password"' in after.content.decode()
    assert status(Client().get(page.url)) != "hit"  # the password form is not stored either


def test_pages_and_purges_work_when_the_cache_is_down(site_pages, shop, settings, commit):
    """A cache that keeps nothing (Redis down): pages are served fresh, purges do not fail."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    for _ in range(2):
        response = Client().get(MARKET)
        assert response.status_code == 200 and status(response) is None
    product = Product.objects.get(pk=shop.product_a.pk)
    product.price = Decimal("3.33")
    commit(product.save)
    assert "$3.33" in Client().get(product_path(product)).content.decode()
