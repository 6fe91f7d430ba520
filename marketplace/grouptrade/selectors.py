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

from django.db.models import Sum

from marketplace import money

from .models import Attribution, Payout

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
    members = Member.objects.in_bulk(rows.keys())
    for member_id, entry in rows.items():
        entry.member = members.get(member_id)
    return sorted(rows.values(), key=lambda entry: (str(entry.member), entry.member_id))
