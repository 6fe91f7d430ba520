"""Pooled lots and their contributors, built through the real services."""

import datetime
from decimal import Decimal

from marketplace.grouptrade.services import contribution_add, lot_create
from tests.factories.marketplace import ProductFactory
from tests.factories.networks import GroupFactory, MemberFactory, MembershipFactory


def contributor(group, **kwargs):
    """An adult active member of `group`."""
    member = MemberFactory(**kwargs)
    MembershipFactory(member=member, group=group)
    return member


def pooled_lot(*, group=None, price="2.50", unit="kg", minimum_order="1", **kwargs):
    """A published product of `group` made a pooled lot (stock 0 until members contribute)."""
    group = group or GroupFactory()
    product = ProductFactory(
        group=group,
        producer=contributor(group),
        price=Decimal(price),
        unit=unit,
        stock=Decimal("0"),
        minimum_order=Decimal(minimum_order),
        **kwargs,
    )
    return lot_create(product=product)


def contribute(lot, member, quantity, *, day: datetime.date | None = None, grade: str = "A"):
    return contribution_add(lot=lot, member=member, quantity=Decimal(str(quantity)), contributed_on=day, grade=grade)
