"""The group-trade demo: a pooled lot whose ledger balances, with a cancellation given back."""

from decimal import Decimal

import pytest

from marketplace.grouptrade.models import Attribution, Contribution, Payout, PooledLot
from marketplace.grouptrade.selectors import member_ledger_rows
from marketplace.models import Order

pytestmark = pytest.mark.django_db


def _seed(users, site_pages):
    from marketplace import demo as market_demo
    from marketplace import demo_grouptrade as demo

    market_demo.seed(users=users, pages=site_pages, log=lambda *args: None)
    demo.seed(users=users, pages=site_pages, log=lambda *args: None)


def _counts():
    return [model.objects.count() for model in (PooledLot, Contribution, Attribution, Payout, Order)]


def test_group_trade_demo_balances_and_is_idempotent(site_pages, settings, tmp_path):
    from accounts.demo import seed_accounts
    from networks import demo as networks_demo

    settings.MEDIA_ROOT = tmp_path
    users = seed_accounts(log=lambda *args: None)
    networks_demo.seed(users=users, pages=site_pages, log=lambda *args: None)
    _seed(users, site_pages)
    first = _counts()
    _seed(users, site_pages)
    assert _counts() == first

    lot = PooledLot.objects.get()
    contributions = list(lot.contributions.all())
    assert len(contributions) >= 3 and not any(c.member.is_minor for c in contributions)
    # Sold = what the live attributions hold; the cancelled order's attributions were given back.
    live = Attribution.objects.filter(contribution__lot=lot, released_at__isnull=True)
    assert sum(c.quantity_sold for c in contributions) == sum(a.quantity for a in live)
    assert Attribution.objects.filter(contribution__lot=lot, released_at__isnull=False).exists()
    assert lot.product.stock == sum(c.quantity - c.quantity_sold for c in contributions)
    rows = member_ledger_rows(lot.group_id)
    assert all(row.owed >= 0 for row in rows)
    assert any(row.pending > 0 for row in rows)
    payout = Payout.objects.get()
    assert payout.paid_by.user == users["coordinator"]
    paid = sum((row.paid_out for row in rows), Decimal("0"))
    assert sum((row.attributed - row.fee for row in rows), Decimal("0")) == paid + sum(row.owed for row in rows)
