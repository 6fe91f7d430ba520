"""Group-trade workflows: lots, contributions, the attribution of sales, fees and payouts.

Locks, always in this order so that nothing deadlocks with checkout: the product row (as
marketplace.services.order_place takes it), then the lot's contributions in primary-key order;
payouts lock the member's registry row. `attribute_order` and `release_order` run inside
order_place's and order_cancel's transactions, after those have locked the products."""

import datetime
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cms import cache as page_cache
from marketplace import money
from marketplace.exceptions import CheckoutError
from marketplace.models import Order, OrderLine, Product
from networks import audit

from .exceptions import GroupTradeError
from .models import Attribution, Contribution, GroupFee, Payout, PooledLot, member_problem, minor_message
from .selectors import member_ledger


def _decimal(value, message: str, field: str) -> Decimal:
    try:
        result = Decimal(str(value))
    except (InvalidOperation, TypeError, ValueError):
        raise GroupTradeError(message, field)
    if not result.is_finite():
        raise GroupTradeError(message, field)
    return result


def _lock_product(product_id: int) -> Product:
    return Product.objects.select_for_update().get(pk=product_id)


def _set_stock(product: Product, stock: Decimal) -> None:
    """Write the new stock of a locked product as an exact Decimal (not `F("stock") + x`: SQLite
    does that arithmetic in floating point, and 1.5 − 1.3 − 0.2 comes out below zero)."""
    product.stock = stock
    Product.objects.filter(pk=product.pk).update(stock=stock)
    # An update() sends no signal: purge the cached pages that show this stock ourselves.
    page_cache.purge_products([product.pk], [product.category_id])


# --- Lots and contributions -------------------------------------------------------------------


def lot_create(*, product: Product, actor=None) -> PooledLot:
    """Make a product a pooled lot. Its stock must be zero and no open order may hold any of it:
    from now on its stock is only the sum of contributions."""
    with transaction.atomic():
        locked = _lock_product(product.pk)
        if PooledLot.objects.filter(product=locked).exists():
            raise GroupTradeError(_("This product is already a pooled lot."), "product")
        if locked.stock != 0:
            raise GroupTradeError(
                _("Set the product's stock to zero first: a lot's stock is what members bring."), "product"
            )
        if locked.order_lines.filter(order__status__in=Order.OPEN_STATUSES).exists():
            raise GroupTradeError(_("Open orders still hold this product; wait until they are settled."), "product")
        return PooledLot.objects.create(product=locked, group_id=locked.group_id, created_by=actor)


def contribution_add(
    *,
    lot: PooledLot,
    member,
    quantity,
    grade: str = Contribution.Grade.A,
    contributed_on: datetime.date | None = None,
    actor=None,
) -> Contribution:
    """Record what a member brought; the lot's stock grows by it."""
    quantity = _decimal(quantity, _("Enter the quantity as a number."), "quantity")
    if grade not in Contribution.Grade.values:
        raise GroupTradeError(_("Choose a quality grade."), "grade")
    with transaction.atomic():
        product = _lock_product(lot.product_id)
        lot = PooledLot.objects.select_related("product").get(pk=lot.pk)
        problem = member_problem(member, lot.group_id)
        contribution = Contribution(
            lot=lot,
            member=member,
            quantity=quantity,
            grade=grade,
            contributed_on=contributed_on or timezone.localdate(),
            recorded_by=actor if actor is not None and actor.is_authenticated else None,
        )
        if problem:
            raise GroupTradeError(problem, "member")
        problem = contribution.quantity_problem(quantity)
        if problem:
            raise GroupTradeError(problem, "quantity")
        contribution.save()
        _set_stock(product, product.stock + quantity)
        audit.log_for_member(member=member, action=audit.CONTRIBUTION_ADD, actor=actor, obj=contribution)
    return contribution


def contribution_update(*, contribution: Contribution, quantity=None, grade: str | None = None, actor=None):
    """Correct a contribution's quantity or grade. It can never go below what has been sold."""
    with transaction.atomic():
        product = _lock_product(contribution.lot.product_id)
        locked = Contribution.objects.select_for_update().select_related("lot__product").get(pk=contribution.pk)
        fields = []
        if quantity is not None:
            quantity = _decimal(quantity, _("Enter the quantity as a number."), "quantity")
            problem = locked.quantity_problem(quantity)
            if problem:
                raise GroupTradeError(problem, "quantity")
            delta = quantity - locked.quantity
            locked.quantity = quantity
            fields.append("quantity")
            _set_stock(product, product.stock + delta)
        if grade is not None:
            if grade not in Contribution.Grade.values:
                raise GroupTradeError(_("Choose a quality grade."), "grade")
            locked.grade = grade
            fields.append("grade")
        if fields:
            locked.save(update_fields=fields)
            audit.log_for_member(
                member=locked.member, action=audit.CONTRIBUTION_EDIT, actor=actor, obj=locked, data={"changed": fields}
            )
    return locked


def contribution_delete(*, contribution: Contribution, actor=None) -> None:
    """Remove a contribution recorded by mistake; refused once any of it has been sold."""
    with transaction.atomic():
        product = _lock_product(contribution.lot.product_id)
        locked = Contribution.objects.select_for_update().get(pk=contribution.pk)
        quantity = locked.quantity
        # Logged first (the record's id is gone after the delete); a refused delete rolls it back.
        audit.log_for_member(member=locked.member, action=audit.CONTRIBUTION_DELETE, actor=actor, obj=locked)
        locked.delete()  # the model refuses a sold contribution
        _set_stock(product, product.stock - quantity)


# --- Attribution (inside order_place / order_cancel) ------------------------------------------


def attribute_order(*, order: Order) -> list[Attribution]:
    """Attribute each line of a pooled product to its lot's contributions, first in, first out:
    oldest date brought first, then the earlier record; each contribution gives what it has left
    until the line is covered. The caller (order_place) holds the products' row locks.

    Amounts use cumulative rounding: the k-th attribution gets line_total(price, q1+…+qk) −
    line_total(price, q1+…+qk−1), so a line's attributions add up to its line total exactly and
    none is negative."""
    lines = list(
        OrderLine.objects.filter(order=order, product__pooled_lot__isnull=False)
        .select_related("product__pooled_lot")
        .order_by("product_id", "pk")
    )
    created: list[Attribution] = []
    day = timezone.localtime(order.created_at).date() if order.created_at else timezone.localdate()
    for line in lines:
        lot = line.product.pooled_lot
        # Lock in primary-key order, take in FIFO order.
        contributions = list(Contribution.objects.select_for_update().filter(lot=lot).order_by("pk"))
        contributions.sort(key=lambda contribution: (contribution.contributed_on, contribution.pk))
        fee_percent = GroupFee.percent_on(lot.group_id, day)
        needed = line.quantity
        taken = Decimal("0")
        before = Decimal("0")
        for contribution in contributions:
            if needed <= 0:
                break
            part = min(contribution.remaining, needed)
            if part <= 0:
                continue
            taken += part
            after = money.line_total(line.unit_price, taken, order.currency)
            created.append(
                Attribution(
                    order_line=line,
                    contribution=contribution,
                    quantity=part,
                    amount=after - before,
                    fee_percent=fee_percent,
                )
            )
            before = after
            needed -= part
            contribution.quantity_sold += part
            Contribution.objects.filter(pk=contribution.pk).update(quantity_sold=contribution.quantity_sold)
        if needed > 0:
            # The product's stock promised more than its contributions hold: refuse, write nothing.
            raise CheckoutError(
                [
                    _("Only %(stock)s of “%(title)s” left.")
                    % {"title": line.title, "stock": f"{(line.quantity - needed).normalize():f}"}
                ]
            )
    Attribution.objects.bulk_create(created)
    return created


def release_order(*, order: Order) -> int:
    """Give back the attributions of a cancelled or expired order (the caller, order_cancel, holds
    the order's and the products' locks). Returns how many were released; a second call none."""
    attributions = list(Attribution.objects.active().filter(order_line__order=order).order_by("contribution_id", "pk"))
    if not attributions:
        return 0
    contribution_ids = sorted({attribution.contribution_id for attribution in attributions})
    sold = dict(
        Contribution.objects.select_for_update()
        .filter(pk__in=contribution_ids)
        .order_by("pk")
        .values_list("pk", "quantity_sold")
    )
    for attribution in attributions:
        sold[attribution.contribution_id] -= attribution.quantity
    for contribution_id in contribution_ids:
        Contribution.objects.filter(pk=contribution_id).update(quantity_sold=sold[contribution_id])
    Attribution.objects.filter(pk__in=[attribution.pk for attribution in attributions]).update(
        released_at=timezone.now()
    )
    return len(attributions)


# --- Group fee and payouts --------------------------------------------------------------------


def group_fee_set(*, group, percent, effective_from: datetime.date, actor=None) -> GroupFee:
    """A new fee rate from a date on. Never back-dated: a sale keeps the rate of its day."""
    percent = _decimal(percent, _("Enter the fee as a number."), "percent")
    if not 0 <= percent <= 100:
        raise GroupTradeError(_("The fee must be between 0 and 100 %."), "percent")
    if percent != percent.quantize(Decimal("0.01")):
        raise GroupTradeError(_("Enter the fee with at most two decimals."), "percent")
    if effective_from < timezone.localdate():
        raise GroupTradeError(_("A fee cannot start in the past."), "effective_from")
    with transaction.atomic():
        fee, _created = GroupFee.objects.update_or_create(
            group=group,
            effective_from=effective_from,
            defaults={"percent": percent, "set_by": actor if actor is not None and actor.is_authenticated else None},
        )
        audit.log_for_group(group=group, action=audit.FEE_SET, actor=actor, obj=fee)
    return fee


def payout_record(
    *,
    member,
    group,
    amount,
    method: str = Payout.Method.CASH,
    paid_on: datetime.date | None = None,
    reference: str = "",
    paid_by=None,
    actor=None,
    currency: str | None = None,
) -> Payout:
    """The treasurer pays a member from her balance. Refused: minors, anything but a positive
    amount the currency can carry, and more than she is owed (read under her row lock, so two
    treasurers paying at once cannot both pay the same balance)."""
    from networks.models import Member

    currency = (currency or money.market_currency()).upper()
    amount = _decimal(amount, _("Enter the amount as a number."), "amount")
    if amount <= 0:
        raise GroupTradeError(_("The amount must be more than zero."), "amount")
    if amount != money.quantize(amount, currency):
        raise GroupTradeError(
            _("Enter whole riel.") if currency == "KHR" else _("Enter the amount with at most two decimals."), "amount"
        )
    if method not in Payout.Method.values:
        raise GroupTradeError(_("Choose cash or transfer."), "method")
    paid_on = paid_on or timezone.localdate()
    if paid_on > timezone.localdate():
        raise GroupTradeError(_("The payout date cannot be in the future."), "paid_on")
    with transaction.atomic():
        locked = Member.objects.select_for_update().get(pk=member.pk)
        if locked.is_minor:
            raise GroupTradeError(minor_message(), "member")
        row = member_ledger(group.pk, currency=currency, member_ids=[locked.pk]).get(locked.pk)
        owed = row.owed if row else Decimal("0")
        if amount > owed:
            raise GroupTradeError(
                _("%(member)s is owed %(owed)s: a payout cannot be more than that.")
                % {"member": locked, "owed": money.format_money(owed, currency)},
                "amount",
            )
        payout = Payout.objects.create(
            member=locked,
            group=group,
            amount=amount,
            currency=currency,
            method=method,
            paid_on=paid_on,
            reference=(reference or "").strip()[:80],
            paid_by=paid_by,
            recorded_by=actor if actor is not None and actor.is_authenticated else None,
        )
        audit.log_for_member(member=locked, action=audit.PAYOUT, actor=actor, obj=payout)
        return payout
