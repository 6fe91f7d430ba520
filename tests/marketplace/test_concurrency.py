"""Overselling under concurrency: 50 buyers at once for a product with 10 units. Needs
PostgreSQL's row locks (SQLite serialises writes, so the test would prove nothing there)."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from marketplace.exceptions import CheckoutError
from marketplace.models import Order, OrderLine, Product, Quote
from marketplace.services import order_cancel, quote_accept, quote_offer, quote_request
from tests.concurrency import run_concurrently
from tests.factories.marketplace import ProductFactory, place_order

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

BUYERS = 50


def test_fifty_concurrent_checkouts_sell_exactly_ten_units():
    product = ProductFactory(unit="piece", stock=Decimal("10"), price=Decimal("4.00"))
    other = ProductFactory(unit="piece", stock=Decimal("1000"))
    # Half the buyers also take another product, locked in the opposite order of the cart, to
    # show that primary-key lock order avoids deadlocks.
    stock_seen = []

    def checkout(index):
        products = [other, product] if index % 2 else [product]
        order = place_order(*products, buyer_name=f"Buyer {index}", buyer_phone=f"0120000{index:02d}")
        stock_seen.append(Product.objects.get(pk=product.pk).stock)
        return order

    results = run_concurrently(BUYERS, checkout)
    orders = [result for result in results if isinstance(result, Order)]
    refused = [result for result in results if isinstance(result, CheckoutError)]
    unexpected = [result for result in results if not isinstance(result, (Order, CheckoutError))]
    assert unexpected == []
    assert len(orders) == 10
    assert len(refused) == 40
    for error in refused:
        assert any("sold out" in str(problem) for problem in error.problems), error.problems
    product.refresh_from_db()
    assert product.stock == 0
    assert all(stock >= 0 for stock in stock_seen)
    assert sum(OrderLine.objects.filter(product=product).values_list("quantity", flat=True)) == Decimal("10")


def test_concurrent_cancels_release_stock_once():
    product = ProductFactory(unit="piece", stock=Decimal("10"))
    order = place_order((product, "4"))
    results = run_concurrently(8, lambda index: order_cancel(order=order))
    assert all(isinstance(result, Order) for result in results), results
    product.refresh_from_db()
    assert product.stock == Decimal("10")


def test_concurrent_accepts_of_one_quote_make_one_order():
    """A trader double-taps "Accept" (or two tabs): the quote row is locked first, so one order
    is placed and every request gets that same order."""
    product = ProductFactory(unit="kg", stock=Decimal("100"), price=Decimal("2.00"))
    quote = quote_request(quote=Quote(name="Hotel", phone="012345678", quantity=Decimal("30")), product=product)
    quote = quote_offer(
        quote=quote,
        product=product,
        unit_price=Decimal("1.50"),
        quantity=Decimal("30"),
        valid_until=timezone.now() + datetime.timedelta(days=1),
    )
    results = run_concurrently(
        8,
        lambda index: quote_accept(quote=quote, payment_method="cash_on_delivery", delivery_method="pickup"),
    )
    assert all(isinstance(result, Order) for result in results), results
    assert len({order.pk for order in results}) == 1
    assert Order.objects.count() == 1
    product.refresh_from_db()
    assert product.stock == Decimal("70")
    assert OrderLine.objects.get().unit_price == Decimal("1.50")
    assert Quote.objects.get().order_id == results[0].pk
