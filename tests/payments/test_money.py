"""The one money module (marketplace.money) and the pages that must agree with it."""

from decimal import Decimal

import pytest
from django.utils import translation

from accounts.roles import GROUP_COORDINATOR
from marketplace import money
from marketplace.models import Order
from tests.factories.marketplace import ProductFactory, place_order
from tests.factories.networks import GroupFactory, MemberFactory, MembershipFactory


def test_line_totals_round_half_up_to_the_cent_and_to_the_whole_riel():
    assert money.line_total(Decimal("1.25"), Decimal("0.5"), "USD") == Decimal("0.63")
    assert money.line_total(Decimal("1.25"), Decimal("0.3"), "USD") == Decimal("0.38")
    assert money.line_total(Decimal("2500"), Decimal("1.333"), "KHR") == Decimal("3333")
    assert money.line_total(Decimal("2500"), Decimal("1.3334"), "KHR") == Decimal("3334")  # 3333.5 → up
    assert money.order_total([Decimal("0.63"), Decimal("0.38")], "USD") == Decimal("1.01")


def test_display_in_both_languages():
    for language in ("km", "en"):
        with translation.override(language):
            assert money.format_money(Decimal("27750"), "KHR") == "27,750 ៛"
            assert money.format_money(Decimal("3.5"), "USD") == "$3.50"
            assert money.format_price(Decimal("15"), Decimal("4100"), "USD").startswith("$15.00 (")
            assert "61,500 ៛" in money.format_price(Decimal("15"), Decimal("4100"), "USD")
    assert money.format_money("not a number", "USD") == ""


@pytest.mark.django_db
def test_cart_order_receipt_and_my_shop_show_the_same_totals(client, site_pages, make_user):
    """1.25 × 0.5 kg is $0.63 in the cart, on the order, on the receipt and in My shop."""
    group = GroupFactory()
    coordinator_user = make_user(GROUP_COORDINATOR)
    MembershipFactory(member=MemberFactory(user=coordinator_user), group=group, role="leader")
    product = ProductFactory(group=group, price=Decimal("1.25"), minimum_order=Decimal("0.5"))

    client.post("/en/market/cart/add/", {"product": product.pk, "quantity": "0.5"})
    cart = client.get("/en/market/cart/").content.decode()
    assert "$0.63" in cart and "$0.62" not in cart

    response = client.post(
        "/en/market/checkout/",
        {
            "buyer_name": "Dara",
            "buyer_phone": "012 345 678",
            "delivery_method": "pickup",
            "payment_method": "pay_at_pickup",
        },
    )
    assert response.status_code == 302
    order = Order.objects.get()
    assert order.total == Decimal("0.63")
    assert order.lines.get().line_total == Decimal("0.63")
    assert "$0.63" in client.get(response["Location"]).content.decode()
    assert "$0.63" in client.get(order.get_receipt_url().replace("/km/", "/en/")).content.decode()

    client.force_login(coordinator_user)
    assert "$0.63" in client.get("/en/my-shop/orders/").content.decode()


@pytest.mark.django_db
def test_riel_orders_are_whole_from_placement(settings):
    """MARKET_CURRENCY=KHR: 1.333 kg × 2,500 ៛ is 3,333 ៛ on the order, so no later step
    (KHQR, Stripe) meets a fraction of a riel."""
    settings.MARKET_CURRENCY = "KHR"
    product = ProductFactory(price=Decimal("2500"))
    order = place_order((product, "1.333"), payment_method="khqr")
    assert order.total == Decimal("3333")
    assert order.fulfilments.get().subtotal == Decimal("3333")
