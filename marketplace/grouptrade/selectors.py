"""Shared reads of group trade, the member ledger above all.

The ledger of a group, per member (see docs/marketplace.md, "Pooled lots and the member ledger"):

- attributed: the member's share (Attribution.amount) of the group's sales that are final, i.e.
  attributions not released whose order is delivered or completed (such an order can no longer
  be cancelled or refunded, so what was paid out against it can never be taken back);
- fee: per group-fee rate, the rate × her attributed sales at that rate, rounded half up to what
  the currency carries (cents, whole riel) by the money module;
- paid out: the sum of her payouts; owed = attributed − fee − paid out, never negative
  (services.payout_record refuses more than is owed);
- pending: her share of sales on orders still open (not yet payable).

attributed − fee = paid out + owed holds exactly: every term is a sum of already-rounded amounts."""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, DecimalField, Prefetch, Sum, Value
from django.db.models.functions import Coalesce

from cms.bilingual import in_language
from marketplace import money

from .models import Attribution, Contribution, Payout, PooledLot

ZERO = Decimal("0")


@dataclass
class LedgerRow:
    member_id: int
    attributed: Decimal = ZERO
    fee: Decimal = ZERO
    paid_out: Decimal = ZERO
    pending: Decimal = ZERO
    member: object = field(default=None, repr=False)

    @property
    def net(self) -> Decimal:
        return self.attributed - self.fee

    @property
    def owed(self) -> Decimal:
        return self.net - self.paid_out


def member_ledger(group_id: int, *, currency: str | None = None, member_ids=None) -> dict[int, LedgerRow]:
    """The group's ledger: one LedgerRow per member with a contribution sold or a payout, by
    member id. `member_ids` narrows it (payout_record reads one member's row under her lock)."""
    currency = (currency or money.market_currency()).upper()
    rows: dict[int, LedgerRow] = {}

    def row(member_id: int) -> LedgerRow:
        if member_id not in rows:
            rows[member_id] = LedgerRow(member_id=member_id)
        return rows[member_id]

    attributions = Attribution.objects.of_group(group_id).filter(order_line__order__currency=currency)
    payouts = Payout.objects.filter(group_id=group_id, currency=currency)
    if member_ids is not None:
        attributions = attributions.filter(contribution__member_id__in=member_ids)
        payouts = payouts.filter(member_id__in=member_ids)

    by_rate: dict[int, dict[Decimal, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    earned = (
        attributions.earned().values("contribution__member_id", "fee_percent").annotate(total=Sum("amount")).order_by()
    )
    for item in earned:
        by_rate[item["contribution__member_id"]][item["fee_percent"]] += item["total"]
    for member_id, totals in by_rate.items():
        entry = row(member_id)
        entry.attributed = money.order_total(totals.values(), currency)
        entry.fee = money.order_total(
            (money.quantize(total * percent / Decimal(100), currency) for percent, total in totals.items()), currency
        )
    for item in attributions.pending().values("contribution__member_id").annotate(total=Sum("amount")).order_by():
        row(item["contribution__member_id"]).pending = money.order_total([item["total"]], currency)
    for item in payouts.values("member_id").annotate(total=Sum("amount")).order_by():
        row(item["member_id"]).paid_out = money.order_total([item["total"]], currency)
    return rows


def member_ledger_rows(group_id: int, *, currency: str | None = None) -> list[LedgerRow]:
    """The ledger with each row's member loaded, by member name (for screens and exports)."""
    from networks.models import Member

    rows = member_ledger(group_id, currency=currency)
    # with_protection: str(member) must not ask the database per row whether she is protected.
    members = Member.objects.with_protection().in_bulk(rows.keys())
    for member_id, entry in rows.items():
        entry.member = members.get(member_id)
    return sorted(rows.values(), key=lambda entry: (str(entry.member), entry.member_id))


@dataclass
class LedgerTotals:
    attributed: Decimal = ZERO
    fee: Decimal = ZERO
    paid_out: Decimal = ZERO
    owed: Decimal = ZERO
    pending: Decimal = ZERO

    @property
    def net(self) -> Decimal:
        return self.attributed - self.fee


def ledger_totals(rows, *, currency: str | None = None) -> LedgerTotals:
    """The group's totals: sums of the rows' already-rounded amounts, so that attributed − fee
    = paid out + owed holds for the group as for each member."""
    rows = list(rows)
    return LedgerTotals(
        **{
            name: money.order_total((getattr(row, name) for row in rows), currency)
            for name in ("attributed", "fee", "paid_out", "owed", "pending")
        }
    )


_QUANTITY = DecimalField(max_digits=14, decimal_places=3)


def lots_of_groups(group_ids):
    """The groups' pooled lots for a listing, with per lot: `contributors` (distinct members who
    brought something), `brought` and `sold` (sums over contributions); one query."""
    return (
        PooledLot.objects.filter(group_id__in=group_ids)
        .select_related("product", "group")
        .annotate(
            contributors=Count("contributions__member", distinct=True),
            brought=Coalesce(Sum("contributions__quantity"), Value(ZERO), output_field=_QUANTITY),
            sold=Coalesce(Sum("contributions__quantity_sold"), Value(ZERO), output_field=_QUANTITY),
        )
        .order_by("-created_at", "-pk")
    )


def members_with_protection():
    """Members with `in_sensitive_network` annotated, for Prefetch (str() names no protected
    member and must not query per row)."""
    from networks.models import Member

    return Member.objects.with_protection()


def lot_contributions(lot, *, member_id=None):
    """A lot's contributions in attribution order (first in, first out), with their member and
    recorder; only one member's when `member_id` is given."""
    contributions = (
        Contribution.objects.filter(lot=lot)
        .select_related("recorded_by")
        .prefetch_related(Prefetch("member", queryset=members_with_protection()))
        .fifo()
    )
    if member_id is not None:
        contributions = contributions.filter(member_id=member_id)
    return contributions


def group_payouts(group_id, *, member_id=None, limit: int = 50):
    """The group's latest payouts (one member's when `member_id` is given)."""
    payouts = Payout.objects.filter(group_id=group_id).prefetch_related(
        Prefetch("member", queryset=members_with_protection()),
        Prefetch("paid_by", queryset=members_with_protection()),
    )
    if member_id is not None:
        payouts = payouts.filter(member_id=member_id)
    return payouts.order_by("-paid_on", "-pk")[:limit]


def payout_sales_summary(payout) -> list[dict]:
    """What a payout slip summarises: the member's final (delivered or completed) sales in the
    payout's group and currency on orders placed up to the day paid, per lot: quantity and her
    share. Amounts are sums of attributions, which are already rounded."""
    rows = (
        Attribution.objects.of_group(payout.group_id)
        .earned()
        .filter(
            contribution__member_id=payout.member_id,
            order_line__order__currency=payout.currency,
            order_line__order__created_at__date__lte=payout.paid_on,
        )
        .values(
            "contribution__lot_id",
            "contribution__lot__product__title_km",
            "contribution__lot__product__title_en",
            "contribution__lot__product__unit",
        )
        .annotate(quantity=Sum("quantity"), amount=Sum("amount"))
        .order_by("contribution__lot_id")
    )
    return [
        {
            "title": in_language(
                row["contribution__lot__product__title_km"], row["contribution__lot__product__title_en"]
            ),
            "unit": row["contribution__lot__product__unit"],
            "quantity": row["quantity"],
            "amount": money.order_total([row["amount"]], payout.currency),
        }
        for row in rows
    ]
