import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone

from marketplace.exceptions import CheckoutError, InvalidTransition, MarketplaceError
from marketplace.models import Fulfilment, Order, OrderLine, Product
from marketplace.services import (
    CartLine,
    fulfilment_set_status,
    order_cancel,
    order_place,
    orders_expire_unpaid,
    product_set_stock,
)
from tests.factories.marketplace import ProductFactory, place_order

pytestmark = pytest.mark.django_db


def test_order_from_two_groups_is_split_into_two_fulfilments_and_reserves_stock(
    shop, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        order = place_order(
            (shop.product_a, "2.5"),
            (shop.product_b, "3"),
            buyer_phone="+855 12 345 678",
            buyer_email="dara@example.org",
        )
    assert order.status == Order.Status.CONFIRMED
    assert order.expires_at is None
    assert order.reference.startswith("SK-") and len(order.reference) == 9
    assert order.buyer_phone == "012345678"
    assert order.currency == "USD"
    assert order.total == Decimal("39.00")  # 2.5 × 1.20 + 3 × 12.00
    fulfilments = {f.group_id: f for f in order.fulfilments.all()}
    assert set(fulfilments) == {shop.group_a.pk, shop.group_b.pk}
    assert fulfilments[shop.group_a.pk].subtotal == Decimal("3.00")
    line = OrderLine.objects.get(order=order, product=shop.product_b)
    assert line.unit_price == Decimal("12.00") and line.title.endswith("Silk B")
    shop.product_a.refresh_from_db()
    shop.product_b.refresh_from_db()
    assert shop.product_a.stock == Decimal("97.5")
    assert shop.product_b.stock == Decimal("97")
    # The buyer gets a confirmation with the order page; each group is told about its part.
    subjects = [m.subject for m in mail.outbox]
    assert any(order.reference in s for s in subjects)
    buyer_mail = next(m for m in mail.outbox if m.to == ["dara@example.org"])
    # The buyer's email is in the language she ordered in (English here, see conftest), with
    # that language's order page and its secret token.
    assert order.language == "en"
    assert f"/en/market/orders/{order.reference}/?token={order.access_token}" in buyer_mail.body
    group_a_mail = next(m for m in mail.outbox if shop.producer_a_user.email in m.to)
    assert "Rice A" in group_a_mail.body and "Silk B" not in group_a_mail.body


def test_later_price_change_does_not_change_the_order(shop):
    order = place_order(CartLine(shop.product_a.pk, Decimal("1")))
    Product.objects.filter(pk=shop.product_a.pk).update(price=Decimal("9.99"), title_en="Renamed")
    line = order.lines.get()
    assert line.unit_price == Decimal("1.20") and "Rice A" in line.title


def test_online_payment_leaves_the_order_pending_with_an_expiry(shop, settings):
    settings.MARKET_UNPAID_ORDER_TTL_MINUTES = 30
    before = timezone.now()
    order = place_order(CartLine(shop.product_a.pk, Decimal("1")), payment_method="khqr")
    assert order.status == Order.Status.PENDING_PAYMENT
    assert before + datetime.timedelta(minutes=29) < order.expires_at <= timezone.now() + datetime.timedelta(minutes=30)


@pytest.mark.parametrize(
    "quantity, message",
    [
        (Decimal("-1"), "more than zero"),
        (Decimal("0"), "more than zero"),
        (Decimal("1.5"), "whole"),
        (Decimal("1000"), "left"),
    ],
)
def test_bad_quantities_are_refused_and_nothing_is_written(shop, quantity, message):
    # product_a2 is counted in pieces (whole units).
    with pytest.raises(CheckoutError) as error:
        place_order(CartLine(shop.product_a2.pk, quantity))
    assert any(message in str(problem) for problem in error.value.problems)
    assert Order.objects.count() == 0 and OrderLine.objects.count() == 0
    shop.product_a2.refresh_from_db()
    assert shop.product_a2.stock == Decimal("100")


@pytest.mark.parametrize("status", [Product.Status.DRAFT, Product.Status.PENDING_REVIEW, Product.Status.ARCHIVED])
def test_products_not_for_sale_cannot_be_ordered(shop, status):
    Product.objects.filter(pk=shop.product_b.pk).update(status=status)
    with pytest.raises(CheckoutError, match="no longer for sale"):
        place_order(CartLine(shop.product_a.pk, Decimal("1")), CartLine(shop.product_b.pk, Decimal("1")))
    assert Order.objects.count() == 0
    shop.product_a.refresh_from_db()
    assert shop.product_a.stock == Decimal("100")  # the valid line reserved nothing either


def test_minimum_order_and_future_harvest(shop):
    Product.objects.filter(pk=shop.product_a.pk).update(minimum_order=Decimal("10"))
    Product.objects.filter(pk=shop.product_b.pk).update(
        available_from=timezone.localdate() + datetime.timedelta(days=20)
    )
    with pytest.raises(CheckoutError) as error:
        place_order(CartLine(shop.product_a.pk, Decimal("5")), CartLine(shop.product_b.pk, Decimal("1")))
    text = " ".join(error.value.problems)
    assert "minimum order" in text and "quote" in text


def test_price_changed_since_added_is_reported(shop):
    with pytest.raises(CheckoutError, match="price of"):
        place_order(CartLine(shop.product_a.pk, Decimal("1"), unit_price=Decimal("1.00")))
    assert Order.objects.count() == 0


def test_unknown_product_and_bad_contact_details(shop):
    with pytest.raises(CheckoutError) as error:
        order_place(
            cart_lines=[CartLine(999999, Decimal("1"))],
            buyer_name=" ",
            buyer_phone="12",
            buyer_email="",
            delivery_method="teleport",
            delivery_address="",
            payment_method="bitcoin",
        )
    assert len(error.value.problems) == 4
    with pytest.raises(CheckoutError, match="no longer exists"):
        place_order(CartLine(999999, Decimal("1")))
    with pytest.raises(CheckoutError, match="address"):
        place_order(CartLine(shop.product_a.pk, Decimal("1")), delivery_method="delivery")
    with pytest.raises(CheckoutError, match="empty"):
        place_order()
    with pytest.raises(CheckoutError, match="could not be read"):
        place_order({"product_id": "x", "quantity": "1"})


def test_cancel_releases_stock_exactly_once(shop):
    order = place_order(CartLine(shop.product_a.pk, Decimal("4")))
    order_cancel(order=order, reason="Changed my mind")
    order_cancel(order=order)
    shop.product_a.refresh_from_db()
    assert shop.product_a.stock == Decimal("100")
    order.refresh_from_db()
    assert order.status == Order.Status.CANCELLED and order.cancelled_reason == "Changed my mind"
    assert set(order.fulfilments.values_list("status", flat=True)) == {Fulfilment.Status.CANCELLED}


def test_expiry_releases_stock_exactly_once_when_run_twice(shop):
    unpaid = place_order(CartLine(shop.product_a.pk, Decimal("3")), payment_method="bank_transfer")
    fresh = place_order(CartLine(shop.product_a.pk, Decimal("2")), payment_method="bank_transfer")
    cash = place_order(CartLine(shop.product_a.pk, Decimal("1")))
    Order.objects.filter(pk=unpaid.pk).update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
    assert orders_expire_unpaid() == 1
    assert orders_expire_unpaid() == 0
    shop.product_a.refresh_from_db()
    assert shop.product_a.stock == Decimal("97")  # 100 - 2 (fresh) - 1 (cash)
    statuses = dict(Order.objects.values_list("pk", "status"))
    assert statuses == {unpaid.pk: "cancelled", fresh.pk: "pending_payment", cash.pk: "confirmed"}


def test_expiry_command_and_task(shop):
    from django.core.management import call_command

    from marketplace.tasks import expire_unpaid_orders

    order = place_order(CartLine(shop.product_a.pk, Decimal("3")), payment_method="stripe")
    Order.objects.filter(pk=order.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    call_command("market_expire_orders")
    order.refresh_from_db()
    assert order.status == Order.Status.CANCELLED
    assert expire_unpaid_orders.enqueue().return_value == 0


def test_fulfilments_move_the_order(shop):
    order = place_order(CartLine(shop.product_a.pk, Decimal("1")), CartLine(shop.product_b.pk, Decimal("1")))
    part_a, part_b = order.fulfilments.order_by("group_id")
    fulfilment_set_status(fulfilment=part_a, status="ready")
    order.refresh_from_db()
    assert order.status == Order.Status.CONFIRMED
    fulfilment_set_status(fulfilment=part_b, status="ready")
    order.refresh_from_db()
    assert order.status == Order.Status.READY
    fulfilment_set_status(fulfilment=part_a, status="delivered")
    fulfilment_set_status(fulfilment=part_b, status="delivered")
    order.refresh_from_db()
    assert order.status == Order.Status.DELIVERED
    with pytest.raises(MarketplaceError):  # the order is delivered: nothing more to fulfil
        fulfilment_set_status(fulfilment=part_a, status="ready")


def test_unpaid_order_cannot_be_fulfilled(shop):
    order = place_order(CartLine(shop.product_a.pk, Decimal("1")), payment_method="khqr")
    with pytest.raises(MarketplaceError):
        fulfilment_set_status(fulfilment=order.fulfilments.get(), status="ready")


def test_order_status_transitions():
    order = Order(status=Order.Status.PENDING_PAYMENT)
    with pytest.raises(InvalidTransition):
        order.set_status(Order.Status.DELIVERED)
    order.set_status(Order.Status.PAID)
    order.set_status(Order.Status.READY)
    with pytest.raises(InvalidTransition):
        order.set_status(Order.Status.CANCELLED)
    for status in (Order.Status.PENDING_PAYMENT, Order.Status.PAID, Order.Status.CONFIRMED):
        assert Order(status=status).can_move_to(Order.Status.CANCELLED)
    assert Order(status=Order.Status.CANCELLED).can_move_to(Order.Status.REFUNDED)
    assert not Order(status=Order.Status.CONFIRMED).can_move_to(Order.Status.REFUNDED)


def test_set_stock_checks_whole_units(shop):
    with pytest.raises(MarketplaceError):
        product_set_stock(product=shop.product_a2, stock=Decimal("2.5"))
    with pytest.raises(MarketplaceError):
        product_set_stock(product=shop.product_a, stock=Decimal("-1"))
    assert product_set_stock(product=shop.product_a, stock=Decimal("2.5")).stock == Decimal("2.5")


def test_stock_can_never_go_negative_in_the_database(shop):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Product.objects.filter(pk=shop.product_a.pk).update(stock=Decimal("-1"))


def test_model_validation(shop):
    from django.core.exceptions import ValidationError

    product = ProductFactory.build(
        group=shop.group_b,
        producer=shop.producer_a,
        category=shop.product_a.category,
        unit="piece",
        stock=Decimal("1.5"),
    )
    with pytest.raises(ValidationError) as error:
        product.full_clean()
    assert set(error.value.message_dict) >= {"stock", "producer"}
