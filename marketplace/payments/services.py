"""Payment writes that people start: recording money received by hand, refunds, and changing
how an unpaid order is paid. Money a provider reports goes through settle.py; each provider's
own workflow (QR, card, webhook) lives in providers/. Every write runs in one transaction with
the order row locked first."""

from __future__ import annotations

import logging
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from marketplace.models import Fulfilment, Order
from marketplace.services import fulfilment_set_status, order_cancel

from . import settle
from .exceptions import AlreadyPaid, NotAllowed, PaymentError, RefundError
from .methods import PAID_ON_HANDOVER, Method
from .models import Payment, Refund
from .permissions import can_mark_paid, can_refund, is_payments_staff
from .providers import get_provider

logger = logging.getLogger(__name__)


def parts_to_record(*, order: Order, actor, fulfilment: Fulfilment | None = None) -> list[Fulfilment | None]:
    """What `actor` would record for this order now: for cash paid when the goods change
    hands, a coordinator records only her own groups' unpaid parts (only `fulfilment`, when
    given: the pick list records one group's part); staff (and every other method) record the
    whole amount still due (None). Empty when nothing is left."""
    if order.status in settle.CLOSED_ORDER_STATUSES or order.paid_at:
        return []
    if order.payment_method in PAID_ON_HANDOVER and (fulfilment is not None or not is_payments_staff(actor)):
        return [
            part
            for part in order.fulfilments.all()
            if (fulfilment is None or part.pk == fulfilment.pk)
            and can_mark_paid(actor, order, part)
            and not part.payments.captured().exists()
        ]
    return [None] if settle.amount_due(order) > 0 else []


def amount_to_record(*, order: Order, actor) -> Decimal:
    parts = parts_to_record(order=order, actor=actor)
    return sum((settle.amount_due(order) if part is None else part.subtotal for part in parts), start=Decimal("0"))


def payment_mark_paid(
    *, order: Order, actor, reference: str = "", note: str = "", fulfilment: Fulfilment | None = None
) -> Payment:
    """Staff or a group's coordinator record money received (cash, a transfer, KHQR seen in the
    bank app). A coordinator recording cash records her own group's part only ($18 of a $48
    order); the order is paid once its parts cover the total. The buyer herself never can.
    `fulfilment`: record that group's part of a cash order only (the pickup pick list)."""
    if not can_mark_paid(actor, order):
        raise NotAllowed(_("You may not record payments for this order."))
    with transaction.atomic():
        order = settle.locked_order(order.pk)
        if not get_provider(order.payment_method).manually_confirmed:
            raise NotAllowed(_("Card payments are confirmed by the card processor only."))
        settle.check_payable(order)
        parts = parts_to_record(order=order, actor=actor, fulfilment=fulfilment)
        if not parts:
            raise AlreadyPaid(_("Your part of this order is already paid."))
        if reference and Payment.objects.filter(provider=order.payment_method, provider_reference=reference).exists():
            raise PaymentError(_("This reference is already recorded for another payment."))
        recorded = None
        for part in parts:
            amount = settle.amount_due(order) if part is None else part.subtotal
            payment = order.payments.open().filter(provider=order.payment_method, fulfilment=part).first()
            if payment is None or payment.amount != amount:
                if payment is not None:
                    payment.mark_cancelled()
                    payment.save(update_fields=["status", "updated_at"])
                payment = Payment(
                    order=order, fulfilment=part, provider=order.payment_method, amount=amount, currency=order.currency
                )
            payment.recorded_by = actor
            payment.note = note
            settle.settle(order=order, payment=payment, reference=reference if recorded is None else "")
            recorded = recorded or payment
    return recorded


def pickup_collected_and_paid(*, fulfilment: Fulfilment, actor) -> Fulfilment:
    """At the collection point: the buyer took the group's part and paid for it. In one
    transaction, the group's own part of a cash order is recorded as paid (payment_mark_paid,
    that part only) and the part is marked delivered (fulfilment_set_status). An order already
    paid (card, KHQR, or this part before) is only marked collected; doing it twice changes
    nothing the second time. Who may: `can_mark_paid` for this part."""
    order = fulfilment.order
    if not can_mark_paid(actor, order, fulfilment):
        raise NotAllowed(_("You may not record payments for this order."))
    with transaction.atomic():
        order = settle.locked_order(order.pk)
        if order.payment_method in PAID_ON_HANDOVER and parts_to_record(
            order=order, actor=actor, fulfilment=fulfilment
        ):
            payment_mark_paid(order=order, actor=actor, fulfilment=fulfilment, note=_("Paid at pickup"))
        part = Fulfilment.objects.select_for_update().get(pk=fulfilment.pk)
        for status in (Fulfilment.Status.READY, Fulfilment.Status.DELIVERED):
            if part.can_move_to(status):
                part = fulfilment_set_status(fulfilment=part, status=status, actor=actor)
    return part


def payment_method_change(*, order: Order, method: str, request=None) -> Order:
    """The buyer of an unpaid order (after a declined card or a failed 3-D Secure) chooses
    another way to pay. Refused while a card attempt may still succeed."""
    provider = get_provider(method) if method in Method.values else None
    if provider is None or not provider.is_configured(request):
        raise PaymentError(_("Choose a payment method."))
    for attempt in order.payments.open():
        get_provider(attempt.provider).check(payment=attempt)
    with transaction.atomic():
        order = settle.locked_order(order.pk)
        settle.check_payable(order)
        if order.status != Order.Status.PENDING_PAYMENT:
            raise PaymentError(_("This order is not waiting for a payment."))
        if order.payments.open().filter(provider=Method.STRIPE).exclude(provider_reference="").exists():
            raise PaymentError(_("A card payment for this order is still being processed. Wait a minute, then reload."))
        for attempt in order.payments.open():
            attempt.mark_cancelled()
            attempt.save(update_fields=["status", "updated_at"])
        order.payment_method = method
        fields = ["payment_method", "updated_at"]
        if method in PAID_ON_HANDOVER:
            # As at checkout: cash orders are confirmed at once and no longer expire.
            order.set_status(Order.Status.CONFIRMED)
            order.expires_at = None
            fields += ["status", "expires_at"]
        order.save(update_fields=fields)
    return order


def payment_refund(*, payment: Payment, amount: Decimal, actor, reason: str = "", cancel_order: bool = False) -> Refund:
    """Staff refund, full or partial. Card money goes back through the provider; other methods
    are paid back by hand and recorded here. The order is refunded once nothing captured for it
    is left; `cancel_order` also cancels it (its stock comes back)."""
    if not can_refund(actor):
        raise NotAllowed(_("You may not refund payments."))
    amount = Decimal(amount).quantize(Decimal("0.01"))
    with transaction.atomic():
        order = settle.locked_order(payment.order_id)
        payment = settle.locked_payment(payment.pk)
        if amount <= 0 or amount > payment.refundable_amount:
            raise RefundError(
                _("The refund must be more than 0 and at most %(amount)s %(currency)s.")
                % {"amount": payment.refundable_amount, "currency": payment.currency}
            )
        reference = get_provider(payment.provider).refund(payment=payment, amount=amount)
        refund = settle.refund_recorded(
            order=order, payment=payment, amount=amount, actor=actor, reason=reason, reference=reference
        )
        order.refresh_from_db()
        if cancel_order and order.holds_stock:
            order_cancel(order=order, actor=actor, reason=reason or "refunded")
    return refund
