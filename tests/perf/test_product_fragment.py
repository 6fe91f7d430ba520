"""The product page's body (photos, price, facts, description, related ids) is kept in the
fragment cache; the forms, the CSRF token, the cart and the signed-in trader's contact are
rendered live for each visitor and are never in the fragment."""

import re
from decimal import Decimal

import pytest
from django.test import Client

from cms.cache import _cache
from marketplace.models import Product

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fragment_cache")]

TOKEN_RE = re.compile(r'name="csrfmiddlewaretoken" value="([A-Za-z0-9]{64})"')


def _path(product) -> str:
    return f"/en/market/p/{product.pk}-{product.slug}/"


def _stored_body(product, language="en") -> str:
    """The product page's body fragment as stored in the cache, as text."""
    from django.utils import timezone

    entry = _cache().get(f"pc:frag:product-body:{language}:{timezone.localdate()}:{product.pk}")
    assert entry is not None, "the product page stored no body fragment"
    return repr(entry["value"])


def _every_stored_fragment() -> str:
    """Every fragment in the (local memory) test cache, as one text."""
    store = _cache()
    keys = [key.split(":", 2)[2] for key in list(store._cache) if key.split(":", 2)[2].startswith("pc:frag:")]
    return "\n".join(repr(store.get(key)) for key in keys)


def test_two_visitors_share_the_body_but_each_gets_her_own_token_and_form(site_pages, shop, make_user):
    path = _path(shop.product_a)
    anonymous = Client()
    first = anonymous.get(path).content.decode()
    trader = make_user(first_name="Sokha", last_name="Traderwoman", email="sokha.trader@example.com")
    signed_in = Client()
    signed_in.force_login(trader)
    second = signed_in.get(path).content.decode()

    first_tokens, second_tokens = set(TOKEN_RE.findall(first)), set(TOKEN_RE.findall(second))
    assert first_tokens and second_tokens and not first_tokens & second_tokens
    assert "sokha.trader@example.com" in second  # her contact, filled in live
    assert "sokha.trader@example.com" not in first
    third = Client().get(path).content.decode()  # served from the fragment after her
    assert "sokha.trader@example.com" not in third and "Traderwoman" not in third

    stored = _stored_body(shop.product_a)
    assert "Rice A" in stored and "$1.20" in stored  # the body is in the fragment…
    assert "csrfmiddlewaretoken" not in stored  # …and no token, no form, no contact
    assert not any(token in stored for token in first_tokens | second_tokens)
    assert "sokha.trader@example.com" not in stored and "<form" not in stored

    everything = _every_stored_fragment()
    assert 'name="quantity"' in everything  # the anonymous form's fields are shared…
    assert "csrfmiddlewaretoken" not in everything  # …never a token or her contact
    assert not any(token in everything for token in first_tokens | second_tokens)
    assert "sokha.trader@example.com" not in everything and "Traderwoman" not in everything


def test_a_refused_order_shows_its_own_values_and_errors_not_the_shared_form(site_pages, shop):
    path = _path(shop.product_a)
    Client().get(path)  # the shared, empty forms are stored
    response = Client().post("/en/market/cart/add/", {"product": shop.product_a.pk, "quantity": "-7"})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'value="-7"' in html and "field-error" in html
    assert "field-error" not in Client().get(path).content.decode()


def test_a_visitor_with_a_cart_sees_her_cart_and_the_shared_body(site_pages, shop):
    path = _path(shop.product_a)
    buyer = Client()
    assert buyer.post("/en/market/cart/add/", {"product": shop.product_a.pk, "quantity": "1"}).status_code == 302
    Client().get(path)  # fragment stored by someone else
    html = buyer.get(path).content.decode()
    assert "Rice A" in html and TOKEN_RE.search(html)


def test_the_body_follows_price_stock_and_status(site_pages, shop, commit):
    path = _path(shop.product_a)
    assert "$1.20" in Client().get(path).content.decode()
    product = Product.objects.get(pk=shop.product_a.pk)
    product.price, product.stock = Decimal("3.30"), Decimal("0")
    commit(product.save)
    html = Client().get(path).content.decode()
    assert "$3.30" in html and "$1.20" not in html
    assert "Sold out for now" in html  # the order form follows the stock too

    product.status = Product.Status.ARCHIVED
    commit(product.save)
    assert Client().get(path).status_code == 404


def test_a_product_not_for_sale_is_not_cached_as_missing(site_pages, shop, commit):
    product = Product.objects.get(pk=shop.product_a.pk)
    product.status = Product.Status.DRAFT
    commit(product.save)
    assert Client().get(_path(product)).status_code == 404
    product.status = Product.Status.PUBLISHED
    commit(product.save)
    assert Client().get(_path(product)).status_code == 200


def test_related_products_follow_the_category(site_pages, shop, commit):
    from tests.factories.marketplace import ProductFactory

    path = _path(shop.product_a)
    assert "Newly related rice" not in Client().get(path).content.decode()
    commit(lambda: ProductFactory(category=shop.product_a.category, title_en="Newly related rice", photos=1))
    assert "Newly related rice" in Client().get(path).content.decode()


def test_the_body_is_kept_per_language(site_pages, shop):
    product = shop.product_a
    english = Client().get(_path(product)).content.decode()
    khmer = Client().get(f"/km/market/p/{product.pk}-{product.slug}/").content.decode()
    assert "Producer group" in english and "Producer group" not in khmer


def test_group_rename_shows_on_the_product_page(site_pages, shop, commit):
    path = _path(shop.product_a)
    assert "Group A" in Client().get(path).content.decode()
    group = shop.group_a
    group.name_en = "Renamed rice growers"
    commit(group.save)
    assert "Renamed rice growers" in Client().get(path).content.decode()
