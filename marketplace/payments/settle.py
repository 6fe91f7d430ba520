"""The one path from "a provider reports money" to a settled order, and the bookkeeping of
provider notifications. Providers (KHQR's Bakong check, Stripe's webhook and return page) and the
people who record cash all end in `money_received`; refunds end in `refund_recorded`.

Every function here expects the caller's transaction; the order row is locked first, then the
payment row (the same order everywhere, so two writers queue instead of deadlocking). Imports no
provider: providers import this module, never the other way round."""

from __future__ import annotations

import logging
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.models import Order
from marketplace.services import order_cancel

from . import notifications
from .exceptions import AlreadyPaid, PaymentError
from .models import Payment, WebhookEvent

logger = logging.getLogger(__name__)

CLOSED_ORDER_STATUSES = (Order.Status.CANCELLED, Order.Status.REFUNDED)


def locked_order(order_pk: int) -> Order:
    return Order.objects.select_for_update().get(pk=order_pk)


def locked_payment(payment_pk: int) -> Payment:
    return Payment.objects.select_for_update().get(pk=payment_pk)


def amount_due(order: Order, fulfilment=None) -> Decimal:
    """What is still to be paid for the order (or one group's part of it)."""
    if fulfilment is not None:
        return max(fulfilment.subtotal - Decimal(fulfilment.payments.net_captured()), Decimal("0"))
    return max(order.total - Decimal(order.payments.net_captured()), Decimal("0"))


def check_payable(order: Order, fulfilment=None) -> None:
    if order.status in CLOSED_ORDER_STATUSES:
        raise PaymentError(_("This order was cancelled and can no longer be paid."))
    if order.paid_at or order.payments.captured().filter(fulfilment__isnull=True).exists():
        raise AlreadyPaid(_("This order is already paid."))
    if fulfilment is not None and fulfilment.payments.captured().exists():
        raise AlreadyPaid(_("This group's part of the order is already paid."))


def _order_settled(order: Order, now) -> None:
    """Once the captured payments cover the total, the order is paid (online methods) or a
    cash order still only confirmed becomes paid; one already ready or delivered keeps its
    status and gains a paid time."""
    if amount_due(order) > 0:
        return
    was_unpaid = order.status == Order.Status.PENDING_PAYMENT
    if order.status in (Order.Status.PENDING_PAYMENT, Order.Status.CONFIRMED):
        order.set_status(Order.Status.PAID)
    order.paid_at = order.paid_at or now
    order.save(update_fields=["status", "paid_at", "updated_at"])
    if was_unpaid:  # the groups were told to wait for payment: now they can prepare
        from marketplace import notifications as order_notifications

        transaction.on_commit(lambda: order_notifications.order_paid(order.pk))
    # Close any other open attempt (a second card try, an old QR) so it cannot be paid twice.
    for other in order.payments.open():
        other.mark_cancelled()
        other.save(update_fields=["status", "updated_at"])


def settle(*, order: Order, payment: Payment, reference: str = "", now=None) -> Payment:
    """Money received for `payment` (amount and currency already checked): the payment
    succeeds, the order follows, the receipt goes out after commit. Caller holds both locks."""
    now = now or timezone.now()
    payment.mark_succeeded(when=now, reference=reference)
    payment.save()
    _order_settled(order, now)
    transaction.on_commit(lambda: notifications.send_receipt(payment_pk=payment.pk))
    return payment


def money_received(
    *,
    payment: Payment,
    amount: Decimal,
    currency: str,
    reference: str = "",
    event: WebhookEvent | None = None,
    refund_duplicate=None,
) -> Payment:
    """The one settle step for a provider's report: checks the amount and currency against the
    payment, then settles it — or flags the event for staff when it cannot (mismatch, money for a
    cancelled order, a second success on an order already paid). `refund_duplicate(payment)`
    gives duplicate money straight back where the provider can (card)."""
    order = locked_order(payment.order_id)
    payment = locked_payment(payment.pk)
    if event is not None:
        event.order = order
    if amount != payment.amount or currency.upper() != payment.currency:
        return _flag_and_return(
            event,
            payment,
            _("The provider reports %(amount)s %(currency)s; the payment expects %(expected)s %(expected_currency)s.")
            % {
                "amount": amount,
                "currency": currency,
                "expected": payment.amount,
                "expected_currency": payment.currency,
            },
        )
    if payment.is_captured:
        if event is not None:
            finish(event, WebhookEvent.Outcome.IGNORED, "already recorded")
        return payment
    if order.status in CLOSED_ORDER_STATUSES:
        return _flag_and_return(
            event, payment, _("Money arrived for a cancelled order: refund it or reinstate the order.")
        )
    if amount_due(order, payment.fulfilment) <= 0 or (payment.fulfilment_id is None and order.paid_at):
        # A second payment succeeded for an order already paid: keep the record, tell staff,
        # and give it back where the provider can.
        payment.mark_succeeded(when=timezone.now(), reference=reference)
        payment.failure_message = "duplicate payment for an order already paid"
        payment.save()
        note = _("A second payment arrived for an order that was already paid: refund it.")
        if refund_duplicate is not None:
            try:
                refund_duplicate(payment)
                note = _("A second payment arrived for an order that was already paid; it was refunded.")
            except PaymentError as error:
                logger.warning("Automatic refund of duplicate %s failed: %s", payment.pk, error)
        return _flag_and_return(event, payment, note)
    settle(order=order, payment=payment, reference=reference)
    if event is not None:
        finish(event, WebhookEvent.Outcome.PROCESSED)
    return payment


def _flag_and_return(event, payment, note) -> Payment:
    if event is not None:
        flag(event, note)
    else:
        logger.warning("Payment %s needs staff: %s", payment.pk, note)
        payment.failure_message = str(note)[:500]
        payment.save(update_fields=["failure_message", "updated_at"])
    return payment


def refund_recorded(*, order: Order, payment: Payment, amount: Decimal, actor=None, reason: str = "", reference=""):
    """A refund (by staff here, or reported by the provider): the payment's running total, a
    Refund row, and the order is refunded only when nothing captured for it is left. Caller
    holds both locks. Returns the Refund."""
    from .models import Refund

    payment.record_refund(amount)
    payment.save(update_fields=["amount_refunded", "status", "updated_at"])
    refund = Refund.objects.create(
        payment=payment, amount=amount, reason=reason[:255], provider_reference=reference, created_by=actor
    )
    if Decimal(order.payments.net_captured()) <= 0:
        if order.holds_stock:
            order = order_cancel(order=order, actor=actor, reason=reason or "refunded")
        if order.can_move_to(Order.Status.REFUNDED):
            order.set_status(Order.Status.REFUNDED)
            order.save(update_fields=["status", "updated_at"])
        else:
            logger.info("Order %s refunded in full but stays %s", order.reference, order.status)
    transaction.on_commit(lambda: notifications.send_refund(refund_pk=refund.pk))
    return refund


# ---------------------------------------------------------------- provider notifications


def store_event(*, provider: str, event_id: str, type: str, payload) -> tuple[WebhookEvent, bool]:
    """Store a notification once by its id; (stored event, whether it is new). Inside the
    caller's transaction, so the row and its effect commit together."""
    try:
        with transaction.atomic():
            return WebhookEvent.objects.create(provider=provider, event_id=event_id, type=type, payload=payload), True
    except IntegrityError:
        return WebhookEvent.objects.get(provider=provider, event_id=event_id), False


def finish(event: WebhookEvent, outcome: str, note: str = "") -> WebhookEvent:
    event.outcome = outcome
    event.note = str(note)[:500]
    event.processed_at = timezone.now()
    event.save(update_fields=["outcome", "note", "processed_at", "order"])
    return event


def flag(event: WebhookEvent, note: str) -> WebhookEvent:
    logger.warning("Payment event %s %s flagged for staff: %s", event.provider, event.event_id, note)
    return finish(event, WebhookEvent.Outcome.FLAGGED, note)
