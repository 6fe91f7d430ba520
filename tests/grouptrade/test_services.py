"""Pooled lots: FIFO attribution inside order_place, release on cancel and expiry, the rules a
sold contribution and a minor meet, fees and payouts."""

import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.utils import timezone, translation

from marketplace.exceptions import MarketplaceError
from marketplace.grouptrade.exceptions import GroupTradeError
from marketplace.grouptrade.models import Attribution, Contribution, GroupFee, Payout
from marketplace.grouptrade.selectors import member_ledger
from marketplace.grouptrade.services import (
    contribution_delete,
    contribution_update,
    group_fee_set,
    lot_create,
    payout_record,
)
from marketplace.models import Order
from marketplace.services import fulfilment_set_status, order_cancel, orders_expire_unpaid, product_set_stock
from tests.factories.grouptrade import contribute, contributor, pooled_lot
from tests.factories.marketplace import ProductFactory, place_order
from tests.factories.networks import MemberFactory, MembershipFactory

pytestmark = pytest.mark.django_db

JAN1, JAN2 = datetime.date(2026, 1, 1), datetime.date(2026, 1, 2)


def deliver(order):
    for fulfilment in order.fulfilments.all():
        fulfilment_set_status(fulfilment=fulfilment, status="ready")
        fulfilment_set_status(fulfilment=fulfilment, status="delivered")
    order.refresh_from_db()
    assert order.status == Order.Status.DELIVERED
    return order


def split(order):
    return [
        (a.contribution.member_id, a.quantity, a.amount)
        for a in Attribution.objects.active().filter(order_line__order=order).select_related("contribution")
    ]


@pytest.fixture
def lot():
    return pooled_lot(price="2.50")


@pytest.fixture
def three(lot):
    """Sokha brought 10 kg on 2 Jan; Dara 5 kg and then Chan 8 kg on 1 Jan."""
    sokha, dara, chan = (contributor(lot.group) for _ in range(3))
    contribute(lot, sokha, "10", day=JAN2)
    contribute(lot, dara, "5", day=JAN1)
    contribute(lot, chan, "8", day=JAN1)
    return sokha, dara, chan


def test_stock_is_the_sum_of_contributions(lot, three):
    lot.product.refresh_from_db()
    assert lot.product.stock == Decimal("23")


def test_sale_is_attributed_first_in_first_out(lot, three):
    sokha, dara, chan = three
    first = place_order((lot.product, "12"))
    assert split(first) == [(dara.pk, Decimal("5"), Decimal("12.50")), (chan.pk, Decimal("7"), Decimal("17.50"))]
    second = place_order((lot.product, "4"))
    assert split(second) == [(chan.pk, Decimal("1"), Decimal("2.50")), (sokha.pk, Decimal("3"), Decimal("7.50"))]
    sold = dict(Contribution.objects.values_list("member_id", "quantity_sold"))
    assert sold == {sokha.pk: Decimal("3"), dara.pk: Decimal("5"), chan.pk: Decimal("8")}
    lot.product.refresh_from_db()
    assert lot.product.stock == Decimal("7")


def test_attributed_amounts_add_up_to_the_line_total_exactly():
    lot = pooled_lot(price="0.33")
    members = [contributor(lot.group) for _ in range(3)]
    for member in members:
        contribute(lot, member, "0.5")
    order = place_order((lot.product, "1.5"))
    line = order.lines.get()
    amounts = [amount for _member, _quantity, amount in split(order)]
    # 0.165 → 0.17, 0.33, 0.495 → 0.50: cumulative rounding gives 0.17 + 0.16 + 0.17.
    assert amounts == [Decimal("0.17"), Decimal("0.16"), Decimal("0.17")]
    assert sum(amounts) == line.line_total == Decimal("0.50")


def test_cancel_gives_the_attribution_back_once(lot, three):
    order = place_order((lot.product, "12"))
    order_cancel(order=order)
    order_cancel(order=order)
    assert Attribution.objects.active().count() == 0
    assert Attribution.objects.filter(released_at__isnull=False).count() == 2
    assert set(Contribution.objects.values_list("quantity_sold", flat=True)) == {Decimal("0")}
    lot.product.refresh_from_db()
    assert lot.product.stock == Decimal("23")
    # The next sale starts again from the oldest contribution.
    _sokha, dara, _chan = three
    assert split(place_order((lot.product, "2")))[0][0] == dara.pk


def test_expiry_gives_the_attribution_back(lot, three):
    order = place_order((lot.product, "6"), payment_method="bank_transfer")
    assert order.status == Order.Status.PENDING_PAYMENT
    assert orders_expire_unpaid(now=timezone.now() + datetime.timedelta(days=2)) == 1
    assert Attribution.objects.active().count() == 0
    assert sum(Contribution.objects.values_list("quantity_sold", flat=True)) == 0


def test_a_minor_cannot_contribute(lot):
    minor = MemberFactory(birth_year=timezone.localdate().year - 12, guardian_name="Guardian")
    MembershipFactory(member=minor, group=lot.group)
    with pytest.raises(GroupTradeError) as error:
        contribute(lot, minor, "3")
    with translation.override("en"):
        english = str(error.value)
    with translation.override("km"):
        with pytest.raises(GroupTradeError) as khmer:
            contribute(lot, minor, "3")
        khmer_message = str(khmer.value)
    assert "minor" in english
    assert khmer_message != english and "អនីតិជន" in khmer_message
    assert not Contribution.objects.exists()
    lot.product.refresh_from_db()
    assert lot.product.stock == 0


def test_someone_outside_the_group_cannot_contribute(lot):
    with pytest.raises(GroupTradeError, match="not an active member"):
        contribute(lot, MemberFactory(), "3")


def test_a_sold_contribution_cannot_be_deleted_or_reduced_below_what_was_sold(lot, three):
    _sokha, dara, chan = three
    place_order((lot.product, "7"))  # all of Dara's 5, 2 of Chan's 8
    chan_contribution = Contribution.objects.get(member=chan)
    with pytest.raises(GroupTradeError, match="cannot be deleted"):
        contribution_delete(contribution=chan_contribution)
    with pytest.raises(GroupTradeError, match="cannot be deleted"):
        chan_contribution.delete()
    with pytest.raises(ProtectedError), transaction.atomic():
        Contribution.objects.filter(pk=chan_contribution.pk).delete()
    with pytest.raises(GroupTradeError, match="cannot be less than that"):
        contribution_update(contribution=chan_contribution, quantity="1.5")
    with pytest.raises(IntegrityError), transaction.atomic():
        Contribution.objects.filter(pk=chan_contribution.pk).update(quantity=Decimal("1"))
    # Down to exactly what was sold is allowed, and the stock follows.
    contribution_update(contribution=chan_contribution, quantity="2")
    lot.product.refresh_from_db()
    assert lot.product.stock == Decimal("10")  # Sokha's 10 left
    assert Contribution.objects.filter(member=dara).exists()


def test_an_unsold_contribution_can_be_deleted_and_the_stock_follows(lot, three):
    sokha, _dara, _chan = three
    contribution_delete(contribution=Contribution.objects.get(member=sokha))
    lot.product.refresh_from_db()
    assert lot.product.stock == Decimal("13")


def test_whole_units_lot_refuses_fractional_contribution():
    lot = pooled_lot(unit="piece")
    with pytest.raises(GroupTradeError, match="whole number"):
        contribute(lot, contributor(lot.group), "1.5")


def test_a_lot_stock_cannot_be_set_by_hand(lot, three):
    with pytest.raises(MarketplaceError, match="pooled lot"):
        product_set_stock(product=lot.product, stock=Decimal("500"))
    lot.product.refresh_from_db()
    assert lot.product.stock == Decimal("23")


def test_a_product_with_stock_cannot_become_a_lot():
    product = ProductFactory(stock=Decimal("10"))
    with pytest.raises(GroupTradeError, match="stock to zero"):
        lot_create(product=product)


def test_ledger_pays_only_final_sales_after_the_fee(lot, three):
    sokha, dara, chan = three
    group_fee_set(group=lot.group, percent="10", effective_from=timezone.localdate())
    delivered = deliver(place_order((lot.product, "12")))  # Dara 12.50, Chan 17.50
    place_order((lot.product, "4"))  # open: Chan 2.50, Sokha 7.50 pending
    ledger = member_ledger(lot.group_id)
    assert ledger[dara.pk].attributed == Decimal("12.50")
    assert ledger[dara.pk].fee == Decimal("1.25")
    assert ledger[dara.pk].owed == Decimal("11.25")
    assert ledger[chan.pk].attributed == Decimal("17.50") and ledger[chan.pk].pending == Decimal("2.50")
    assert ledger[sokha.pk].attributed == 0 and ledger[sokha.pk].pending == Decimal("7.50")
    assert sum(row.attributed for row in ledger.values()) == delivered.total

    payout_record(member=dara, group=lot.group, amount="10.00", reference="slip 1")
    with pytest.raises(GroupTradeError, match="cannot be more than"):
        payout_record(member=dara, group=lot.group, amount="1.26")
    with pytest.raises(GroupTradeError, match="cannot be more than"):
        payout_record(member=sokha, group=lot.group, amount="0.01")  # pending is not payable
    payout_record(member=dara, group=lot.group, amount="1.25", method="transfer")
    row = member_ledger(lot.group_id)[dara.pk]
    assert (row.attributed - row.fee, row.paid_out, row.owed) == (Decimal("11.25"), Decimal("11.25"), Decimal("0"))
    assert Payout.objects.filter(member=dara).count() == 2


def test_payout_refuses_bad_amounts_and_minors(lot, three):
    _sokha, dara, _chan = three
    deliver(place_order((lot.product, "5")))
    for amount, message in (
        ("0", "more than zero"),
        ("-3", "more than zero"),
        ("1.005", "two decimals"),
        ("x", "number"),
    ):
        with pytest.raises(GroupTradeError, match=message):
            payout_record(member=dara, group=lot.group, amount=amount)
    minor = MemberFactory(birth_year=timezone.localdate().year - 15)
    with pytest.raises(GroupTradeError, match="minor"):
        payout_record(member=minor, group=lot.group, amount="1")
    assert not Payout.objects.exists()


def test_a_sale_keeps_the_fee_of_its_day_and_fees_are_never_back_dated(lot, three):
    today = timezone.localdate()
    group_fee_set(group=lot.group, percent="5", effective_from=today)
    order = place_order((lot.product, "2"))
    group_fee_set(group=lot.group, percent="20", effective_from=today + datetime.timedelta(days=1))
    assert set(Attribution.objects.filter(order_line__order=order).values_list("fee_percent", flat=True)) == {
        Decimal("5")
    }
    with pytest.raises(GroupTradeError, match="past"):
        group_fee_set(group=lot.group, percent="1", effective_from=today - datetime.timedelta(days=1))
    assert GroupFee.percent_on(lot.group_id, today) == Decimal("5")


def test_fractional_stock_sells_down_to_exactly_zero_and_back():
    """Found by the property test: SQLite computed F("stock") - 0.2 in floating point, so 1.5 kg
    less 1.3 kg less 0.2 kg broke the stock ≥ 0 constraint (a 500 at checkout)."""
    product = ProductFactory(stock=Decimal("1.5"), minimum_order=Decimal("0.1"))
    first = place_order((product, "1.3"))
    second = place_order((product, "0.2"))
    product.refresh_from_db()
    assert product.stock == 0
    order_cancel(order=first)
    order_cancel(order=second)
    product.refresh_from_db()
    assert product.stock == Decimal("1.5")


def test_the_worked_example_in_the_docs():
    """docs/marketplace.md, "Pooled lots and the member ledger": every figure of its tables."""
    lot = pooled_lot(price="0.85")
    sokha, dara, chan = (contributor(lot.group) for _ in range(3))
    contribute(lot, sokha, "20", day=datetime.date(2026, 3, 3))
    contribute(lot, dara, "15", day=datetime.date(2026, 3, 1))
    contribute(lot, chan, "25", day=datetime.date(2026, 3, 1))
    group_fee_set(group=lot.group, percent="5", effective_from=timezone.localdate())

    order_a = place_order((lot.product, "32.5"))
    assert order_a.total == Decimal("27.63")
    assert split(order_a) == [(dara.pk, Decimal("15"), Decimal("12.75")), (chan.pk, Decimal("17.5"), Decimal("14.88"))]
    order_b = place_order((lot.product, "10"), payment_method="khqr")
    assert [(m, q) for m, q, _a in split(order_b)] == [(chan.pk, Decimal("7.5")), (sokha.pk, Decimal("2.5"))]
    assert orders_expire_unpaid(now=timezone.now() + datetime.timedelta(days=1)) == 1
    order_c = place_order((lot.product, "12"))
    assert order_c.total == Decimal("10.20")
    assert split(order_c) == [(chan.pk, Decimal("7.5"), Decimal("6.38")), (sokha.pk, Decimal("4.5"), Decimal("3.82"))]
    deliver(order_a)
    deliver(order_c)
    lot.product.refresh_from_db()
    assert lot.product.stock == Decimal("15.5")

    payout_record(member=dara, group=lot.group, amount="12.11", method="cash")
    payout_record(member=chan, group=lot.group, amount="15.00", method="transfer")
    with pytest.raises(GroupTradeError, match=r"owed \$5.20"):
        payout_record(member=chan, group=lot.group, amount="6.00")
    ledger = member_ledger(lot.group_id)
    figures = {
        name: (row.attributed, row.fee, row.net, row.paid_out, row.owed)
        for name, row in (("Dara", ledger[dara.pk]), ("Chan", ledger[chan.pk]), ("Sokha", ledger[sokha.pk]))
    }
    D = Decimal
    assert figures == {
        "Dara": (D("12.75"), D("0.64"), D("12.11"), D("12.11"), D("0.00")),
        "Chan": (D("21.26"), D("1.06"), D("20.20"), D("15.00"), D("5.20")),
        "Sokha": (D("3.82"), D("0.19"), D("3.63"), D("0"), D("3.63")),
    }
    assert sum(row.attributed for row in ledger.values()) == D("37.83")
    assert sum(row.owed for row in ledger.values()) == D("8.83")


def test_a_refund_that_cancels_the_order_gives_the_attribution_back(lot, three, make_user):
    from accounts.roles import ADMINISTRATOR
    from marketplace.payments.services import payment_mark_paid, payment_refund

    staff = make_user(ADMINISTRATOR, is_superuser=True)
    order = place_order((lot.product, "6"), payment_method="bank_transfer")
    payment = payment_mark_paid(order=order, actor=staff, reference="BANK-1")
    order.refresh_from_db()
    assert order.status == Order.Status.PAID and Attribution.objects.active().count() == 2
    payment_refund(payment=payment, amount=order.total, actor=staff, cancel_order=True)
    assert Attribution.objects.active().count() == 0
    assert sum(Contribution.objects.values_list("quantity_sold", flat=True)) == 0
    lot.product.refresh_from_db()
    assert lot.product.stock == Decimal("23")
