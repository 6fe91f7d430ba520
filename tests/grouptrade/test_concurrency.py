"""Pooled lots under concurrency (PostgreSQL row locks; SQLite serialises writes, so these
would prove nothing there): many buyers at once never oversell the lot or any contribution,
and two treasurers paying the same balance at once pay it once."""

from decimal import Decimal

import pytest

from marketplace.exceptions import CheckoutError
from marketplace.grouptrade.exceptions import GroupTradeError
from marketplace.grouptrade.models import Attribution, Contribution, Payout
from marketplace.grouptrade.selectors import member_ledger
from marketplace.grouptrade.services import payout_record
from marketplace.models import Order, OrderLine
from marketplace.services import fulfilment_set_status, order_cancel
from tests.concurrency import run_concurrently
from tests.factories.grouptrade import contribute, contributor, pooled_lot
from tests.factories.marketplace import ProductFactory, place_order

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

BUYERS = 30


def test_concurrent_orders_never_oversell_a_pooled_lot_or_any_contribution():
    lot = pooled_lot(unit="piece", price="3.00")
    members = [contributor(lot.group) for _ in range(4)]
    for member, brought in zip(members, ("3", "2", "4", "3"), strict=True):
        contribute(lot, member, brought)  # 12 pieces in all
    other = ProductFactory(unit="piece", stock=Decimal("1000"))
    early = place_order((lot.product, "2"))  # cancelled while the others buy

    def buy(index):
        if index == 0:
            return order_cancel(order=early)
        # Some buyers also take another product, listed first, to mix the lock order.
        items = [(other, "1"), (lot.product, "2")] if index % 3 == 0 else [(lot.product, "1")]
        return place_order(*items, buyer_name=f"Buyer {index}", buyer_phone=f"0120000{index:02d}")

    results = run_concurrently(BUYERS, buy)
    unexpected = [result for result in results if not isinstance(result, (Order, CheckoutError))]
    assert unexpected == []
    placed = [result for result in results[1:] if isinstance(result, Order)]
    assert placed and any(isinstance(result, CheckoutError) for result in results)

    lot.product.refresh_from_db()
    sold = sum(
        OrderLine.objects.filter(product=lot.product)
        .exclude(order__status=Order.Status.CANCELLED)
        .values_list("quantity", flat=True)
    )
    assert sold == Decimal("12") - lot.product.stock
    assert lot.product.stock >= 0
    for contribution in Contribution.objects.filter(lot=lot):
        attributed = sum(
            Attribution.objects.active().filter(contribution=contribution).values_list("quantity", flat=True)
        )
        assert contribution.quantity_sold == attributed <= contribution.quantity
    for line in OrderLine.objects.filter(product=lot.product).exclude(order__status=Order.Status.CANCELLED):
        active = Attribution.objects.active().filter(order_line=line)
        assert sum(a.quantity for a in active) == line.quantity
        assert sum(a.amount for a in active) == line.line_total
    assert not Attribution.objects.active().filter(order_line__order=early).exists()


def test_concurrent_payouts_of_one_balance_pay_it_once():
    lot = pooled_lot(price="2.00")
    member = contributor(lot.group)
    contribute(lot, member, "5")
    order = place_order((lot.product, "5"))
    fulfilment = order.fulfilments.get()
    fulfilment_set_status(fulfilment=fulfilment, status="ready")
    fulfilment_set_status(fulfilment=fulfilment, status="delivered")
    assert member_ledger(lot.group_id)[member.pk].owed == Decimal("10.00")

    results = run_concurrently(
        8, lambda index: payout_record(member=member, group=lot.group, amount="10.00", currency="USD")
    )
    assert len([result for result in results if isinstance(result, Payout)]) == 1
    assert all(isinstance(result, (Payout, GroupTradeError)) for result in results), results
    row = member_ledger(lot.group_id)[member.pk]
    assert (row.paid_out, row.owed) == (Decimal("10.00"), Decimal("0"))
