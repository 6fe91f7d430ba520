"""Overselling under concurrency: 50 buyers at once for a product with 10 units. Needs
PostgreSQL's row locks (SQLite serialises writes, so the test would prove nothing there)."""

import threading
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import translation

from marketplace.exceptions import CheckoutError
from marketplace.models import Order, OrderLine, Product
from marketplace.services import CartLine, order_cancel, order_place
from tests.factories.marketplace import ProductFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

BUYERS = 50


def run_concurrently(count, job):
    barrier = threading.Barrier(count)
    results = [None] * count

    def worker(index):
        try:
            barrier.wait()
            with translation.override("en"):
                results[index] = job(index)
        except Exception as error:  # noqa: BLE001 — collected and asserted on below
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def test_fifty_concurrent_checkouts_sell_exactly_ten_units():
    product = ProductFactory(unit="piece", stock=Decimal("10"), price=Decimal("4.00"))
    other = ProductFactory(unit="piece", stock=Decimal("1000"))
    # Half the buyers also take another product, locked in the opposite order of the cart, to
    # show that primary-key lock order avoids deadlocks.
    stock_seen = []

    def checkout(index):
        lines = [CartLine(product.pk, Decimal("1"))]
        if index % 2:
            lines.insert(0, CartLine(other.pk, Decimal("1")))
        order = order_place(
            cart_lines=lines,
            buyer_name=f"Buyer {index}",
            buyer_phone=f"0120000{index:02d}",
            buyer_email="",
            delivery_method="pickup",
            delivery_address="",
            payment_method="cash_on_delivery",
        )
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
    order = order_place(
        cart_lines=[CartLine(product.pk, Decimal("4"))],
        buyer_name="Buyer",
        buyer_phone="012000000",
        buyer_email="",
        delivery_method="pickup",
        delivery_address="",
        payment_method="cash_on_delivery",
    )
    results = run_concurrently(8, lambda index: order_cancel(order=order))
    assert all(isinstance(result, Order) for result in results), results
    product.refresh_from_db()
    assert product.stock == Decimal("10")
