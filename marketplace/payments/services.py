"""Every write to payment state. Each runs in one transaction with the order row locked
(`select_for_update`), so a webhook, a buyer's return page and a staff action for the same order
are applied one after the other; receipts go out after commit."""

from __future__ import annotations

import dataclasses
import logging
import time
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.models import Order
from marketplace.services import order_cancel

from . import khqr, notifications
from . import stripe as stripe_api
from .bakong import BakongClient, BakongUnavailable
from .exceptions import AlreadyPaid, NotAllowed, PaymentError, ProviderUnavailable, RefundError
from .models import Method, Payment, PaymentSettings, Refund, WebhookEvent
from .permissions import can_mark_paid, can_refund
from .providers import get_provider

logger = logging.getLogger(__name__)

OFFLINE_METHODS = {Method.CASH_ON_DELIVERY, Method.PAY_AT_PICKUP, Method.BANK_TRANSFER}
# Methods whose money staff or a coordinator can see arrive (cash, the bank statement, the
# Bakong app) and so may record by hand.
MANUALLY_CONFIRMED_METHODS = OFFLINE_METHODS | {Method.KHQR}


def _locked_order(order_pk: int) -> Order:
    return Order.objects.select_for_update().get(pk=order_pk)


def _check_payable(order: Order) -> None:
    if order.status in (Order.Status.CANCELLED, Order.Status.REFUNDED):
        raise PaymentError(_("This order was cancelled and can no longer be paid."))
    if order.payments.captured().exists():
        raise AlreadyPaid(_("This order is already paid."))


def _settle(*, order: Order, payment: Payment, reference: str = "", now=None) -> None:
    """Money received for `payment`: the payment succeeds and the order moves to paid (online
    methods) or keeps its confirmed state with a paid time (cash). Caller holds the lock."""
    now = now or timezone.now()
    payment.status = Payment.Status.SUCCEEDED
    payment.paid_at = now
    payment.failure_message = ""
    if reference:
        payment.provider_reference = reference
    payment.save()
    # Awaiting payment → paid; a cash order still only confirmed → paid too. A cash order
    # already ready or delivered keeps its status and gains a paid time.
    if order.status in (Order.Status.PENDING_PAYMENT, Order.Status.CONFIRMED):
        order.set_status(Order.Status.PAID)
    order.paid_at = order.paid_at or now
    order.save()
    # Close any other open attempt (a second card try, an old QR) so it cannot be paid twice.
    order.payments.open().exclude(pk=payment.pk).update(status=Payment.Status.CANCELLED, updated_at=now)
    transaction.on_commit(lambda: notifications.send_receipt(payment_pk=payment.pk))


# ---------------------------------------------------------------- offline and manual confirmation


def payment_mark_paid(*, order: Order, actor, reference: str = "", note: str = "") -> Payment:
    """Staff or the group's coordinator record money received (cash, transfer, KHQR seen in the
    bank app). The buyer herself never can."""
    if not can_mark_paid(actor, order):
        raise NotAllowed(_("You may not record payments for this order."))
    with transaction.atomic():
        order = _locked_order(order.pk)
        if order.payment_method not in MANUALLY_CONFIRMED_METHODS:
            raise NotAllowed(_("Card payments are confirmed by the card processor only."))
        _check_payable(order)
        payment = order.payments.open().filter(provider=order.payment_method).first()
        if payment is None:
            payment = Payment(order=order, provider=order.payment_method, amount=order.total, currency=order.currency)
        if (
            reference
            and Payment.objects.filter(provider=payment.provider, provider_reference=reference)
            .exclude(pk=payment.pk)
            .exists()
        ):
            raise PaymentError(_("This reference is already recorded for another payment."))
        payment.recorded_by = actor
        payment.note = note
        _settle(order=order, payment=payment, reference=reference)
    return payment


def bank_transfer_payment_start(*, order: Order) -> Payment:
    """The transfer the buyer is asked to make, with the order reference as its memo."""
    with transaction.atomic():
        order = _locked_order(order.pk)
        _check_payable(order)
        payment = order.payments.open().filter(provider=Method.BANK_TRANSFER).first()
        if payment is None:
            payment = Payment.objects.create(
                order=order, provider=Method.BANK_TRANSFER, amount=order.total, currency=order.currency
            )
    return payment


# ---------------------------------------------------------------- KHQR


def khqr_payment_start(*, order: Order, request=None) -> Payment:
    """A single-use KHQR for the exact order total; reused while the order stays unpaid."""
    merchant_settings = PaymentSettings.current(request)
    if not merchant_settings.bakong_account_id:
        raise ProviderUnavailable(_("KHQR payments are not set up."))
    with transaction.atomic():
        order = _locked_order(order.pk)
        _check_payable(order)
        payment = order.payments.open().filter(provider=Method.KHQR).first()
        if payment and payment.amount == order.total and payment.currency == order.currency:
            return payment
        if payment:
            payment.status = Payment.Status.CANCELLED
            payment.save(update_fields=["status", "updated_at"])
        payload = khqr.build_payload(
            merchant=khqr.Merchant(
                bakong_account_id=merchant_settings.bakong_account_id,
                name=merchant_settings.merchant_name,
                city=merchant_settings.merchant_city,
                acquiring_bank=merchant_settings.acquiring_bank,
                mobile_number=merchant_settings.merchant_phone,
            ),
            amount=order.total,
            currency=order.currency,
            bill_number=order.reference,
            created_ms=int(time.time() * 1000),
        )
        payment = Payment.objects.create(
            order=order,
            provider=Method.KHQR,
            amount=order.total,
            currency=order.currency,
            khqr_payload=payload,
            khqr_md5=khqr.payload_md5(payload),
        )
    return payment


def khqr_payment_check(*, payment: Payment, client: BakongClient) -> Payment:
    """Ask Bakong whether the QR was paid; settle when amount and currency match, flag otherwise.
    Each Bakong transaction is stored once, like a webhook event."""
    try:
        result = client.check_transaction(md5=payment.khqr_md5)
    except BakongUnavailable:
        return payment
    if not result.paid:
        return payment
    event_id = result.reference or payment.khqr_md5
    with transaction.atomic():
        order = _locked_order(payment.order_id)
        payment = Payment.objects.select_for_update().get(pk=payment.pk)
        event, created = WebhookEvent.objects.get_or_create(
            provider=Method.KHQR,
            event_id=event_id,
            defaults={
                "type": "transaction.paid",
                "order": order,
                "payload": {"md5": payment.khqr_md5, "amount": str(result.amount), "currency": result.currency},
            },
        )
        if not created:
            return payment
        if result.amount != payment.amount or result.currency != payment.currency:
            _flag(
                event,
                _("Bakong reports %(amount)s %(currency)s; the order expects %(expected)s %(expected_currency)s.")
                % {
                    "amount": result.amount,
                    "currency": result.currency,
                    "expected": payment.amount,
                    "expected_currency": payment.currency,
                },
            )
            return payment
        if payment.status in Payment.CAPTURED or order.payments.captured().exists():
            _finish(event, WebhookEvent.Outcome.IGNORED, "already paid")
            return payment
        if order.status in (Order.Status.CANCELLED, Order.Status.REFUNDED):
            _flag(event, _("Money arrived for a cancelled order: refund it or reinstate the order."))
            return payment
        _settle(order=order, payment=payment, reference=result.reference)
        _finish(event, WebhookEvent.Outcome.PROCESSED)
    return payment


# ---------------------------------------------------------------- Stripe


@dataclasses.dataclass(frozen=True)
class CardOutcome:
    payment: Payment
    status: str  # "succeeded", "requires_action", "failed", "processing"
    client_secret: str = ""
    message: str = ""


def _apply_intent(*, order: Order, payment: Payment, intent: stripe_api.IntentState) -> None:
    """Bring our payment in line with the PaymentIntent as Stripe reports it (server to server)."""
    if payment.status in Payment.CAPTURED:
        return
    expected = stripe_api.to_minor_units(payment.amount, payment.currency)
    if intent.status == "succeeded":
        if intent.amount != expected or intent.currency != payment.currency:
            payment.failure_message = "amount or currency mismatch"
            payment.save(update_fields=["failure_message", "updated_at"])
            return
        _settle(order=order, payment=payment)
    elif intent.status == "requires_action":
        payment.status = Payment.Status.REQUIRES_ACTION
        payment.save(update_fields=["status", "updated_at"])
    elif intent.status == "requires_payment_method":
        payment.status = Payment.Status.FAILED
        payment.failure_message = intent.failure_message or _("The card was not accepted.")
        payment.save(update_fields=["status", "failure_message", "updated_at"])
    elif intent.status == "canceled":
        payment.status = Payment.Status.CANCELLED
        payment.save(update_fields=["status", "updated_at"])


def stripe_payment_intent_create(*, order: Order, token: str, client: stripe_api.StripeClient) -> Payment:
    """Create (not confirm) a PaymentIntent for the order total, paid by a Stripe.js card token.
    Caller holds the order lock."""
    payment = Payment.objects.create(order=order, provider=Method.STRIPE, amount=order.total, currency=order.currency)
    try:
        customer, card = client.payment_method_from_token(token=token, email=order.buyer_email)
    except stripe_api.CardError as error:
        # Refused before any PaymentIntent exists: keep the attempt, closed, for the record.
        payment.status = Payment.Status.FAILED
        payment.failure_message = (error.user_message or str(error))[:500]
        payment.save(update_fields=["status", "failure_message", "updated_at"])
        raise
    intent = client.create_payment_intent(
        amount=stripe_api.to_minor_units(order.total, order.currency),
        currency=order.currency,
        customer=customer,
        payment_method=card,
        order_reference=order.reference,
        idempotency_key=f"sahakum-payment-{payment.pk}",
    )
    payment.provider_reference = intent.id
    payment.save(update_fields=["provider_reference", "updated_at"])
    return payment


def stripe_card_pay(*, order: Order, token: str, client: stripe_api.StripeClient) -> CardOutcome:
    """The card form's server side: the browser only tokenised the card; the PaymentIntent is
    created and confirmed here. The lock is held across the Stripe calls so a double submit
    cannot charge twice."""
    if not token or not token.startswith("tok_"):
        raise PaymentError(_("The card details did not reach us. Please try again."))
    with transaction.atomic():
        order = _locked_order(order.pk)
        if order.payment_method != Method.STRIPE:
            raise NotAllowed(_("This order is not paid by card."))
        _check_payable(order)
        if order.status != Order.Status.PENDING_PAYMENT:
            raise PaymentError(_("This order is not waiting for a payment."))
        for stale in order.payments.open().filter(provider=Method.STRIPE).exclude(provider_reference=""):
            # An abandoned 3-D Secure attempt: cancel it at Stripe before trying again.
            try:
                client.cancel_payment_intent(stale.provider_reference)
            except stripe_api.StripeError:
                logger.warning("Could not cancel PaymentIntent %s", stale.provider_reference)
            stale.status = Payment.Status.CANCELLED
            stale.save(update_fields=["status", "updated_at"])
        try:
            payment = stripe_payment_intent_create(order=order, token=token, client=client)
        except stripe_api.CardError as error:
            logger.info("Card refused before the PaymentIntent for %s: %s", order.reference, error)
            return CardOutcome(payment=None, status="failed", message=_("Your card was declined."))
        except stripe_api.StripeError as error:
            logger.exception("Stripe error for order %s", order.reference)
            raise ProviderUnavailable(_("The card service is unavailable. Please try again later.")) from error
        try:
            intent = client.confirm_payment_intent(payment.provider_reference)
        except stripe_api.CardError:
            intent = client.retrieve_payment_intent(payment.provider_reference)
        except stripe_api.StripeError as error:
            logger.exception("Stripe error confirming %s", payment.provider_reference)
            raise ProviderUnavailable(_("The card service is unavailable. Please try again later.")) from error
        _apply_intent(order=order, payment=payment, intent=intent)
    if payment.status == Payment.Status.SUCCEEDED:
        return CardOutcome(payment=payment, status="succeeded")
    if payment.status == Payment.Status.REQUIRES_ACTION:
        return CardOutcome(payment=payment, status="requires_action", client_secret=intent.client_secret)
    if payment.status == Payment.Status.FAILED:
        return CardOutcome(
            payment=payment,
            status="failed",
            message=_("Your card was declined. The order is not paid; you can try another card."),
        )
    return CardOutcome(payment=payment, status="processing")


def stripe_payment_sync(*, payment: Payment, client: stripe_api.StripeClient) -> Payment:
    """Re-read the PaymentIntent from Stripe (the return page never trusts the browser)."""
    if payment.provider != Method.STRIPE or not payment.provider_reference or payment.status in Payment.CAPTURED:
        return payment
    try:
        intent = client.retrieve_payment_intent(payment.provider_reference)
    except stripe_api.StripeError:
        logger.warning("Could not read PaymentIntent %s", payment.provider_reference)
        return payment
    with transaction.atomic():
        order = _locked_order(payment.order_id)
        payment = Payment.objects.select_for_update().get(pk=payment.pk)
        _apply_intent(order=order, payment=payment, intent=intent)
    return payment


def _finish(event: WebhookEvent, outcome: str, note: str = "") -> WebhookEvent:
    event.outcome = outcome
    event.note = str(note)[:500]
    event.processed_at = timezone.now()
    event.save(update_fields=["outcome", "note", "processed_at", "order"])
    return event


def _flag(event: WebhookEvent, note: str) -> WebhookEvent:
    logger.warning("Payment event %s %s flagged for staff: %s", event.provider, event.event_id, note)
    return _finish(event, WebhookEvent.Outcome.FLAGGED, note)


STRIPE_EVENT_TYPES = {"payment_intent.succeeded", "payment_intent.payment_failed", "charge.refunded"}


def stripe_event_process(*, event: dict) -> tuple[WebhookEvent, bool]:
    """Apply one verified Stripe event. Returns (stored event, whether this delivery was new).
    The event row and its effect commit together: a replay finds the row and does nothing."""
    event_id, event_type = str(event.get("id", "")), str(event.get("type", ""))
    data = (event.get("data") or {}).get("object") or {}
    with transaction.atomic():
        try:
            with transaction.atomic():
                stored = WebhookEvent.objects.create(
                    provider=Method.STRIPE, event_id=event_id, type=event_type, payload=event
                )
        except IntegrityError:
            return WebhookEvent.objects.get(provider=Method.STRIPE, event_id=event_id), False
        if event_type not in STRIPE_EVENT_TYPES:
            return _finish(stored, WebhookEvent.Outcome.IGNORED, "event type not handled"), True
        intent_id = data.get("id") if event_type.startswith("payment_intent.") else data.get("payment_intent")
        payment = Payment.objects.filter(provider=Method.STRIPE, provider_reference=intent_id or "-").first()
        order_reference = (data.get("metadata") or {}).get("order_reference", "")
        if payment is None:
            order = Order.objects.filter(reference=order_reference).first() if order_reference else None
            if order is None:
                logger.warning("Stripe event %s (%s) for an unknown order %r", event_id, event_type, order_reference)
                return _finish(stored, WebhookEvent.Outcome.UNKNOWN_ORDER, f"no order for {intent_id}"), True
        else:
            order = payment.order
        order = _locked_order(order.pk)
        stored.order = order
        if payment is None:
            return _flag(stored, _("Stripe reports a payment we did not start for this order.")), True
        payment = Payment.objects.select_for_update().get(pk=payment.pk)
        currency = str(data.get("currency", "")).upper()
        if event_type == "payment_intent.succeeded":
            return _stripe_succeeded(stored, order, payment, data, currency), True
        if event_type == "payment_intent.payment_failed":
            if payment.status in Payment.CAPTURED:
                return _finish(stored, WebhookEvent.Outcome.IGNORED, "failure after success: stays paid"), True
            error = data.get("last_payment_error") or {}
            payment.status = Payment.Status.FAILED
            payment.failure_message = (error.get("message") or "")[:500]
            payment.save(update_fields=["status", "failure_message", "updated_at"])
            return _finish(stored, WebhookEvent.Outcome.PROCESSED), True
        return _stripe_refunded(stored, order, payment, data, currency), True


def _stripe_succeeded(stored, order, payment, data, currency) -> WebhookEvent:
    expected = stripe_api.to_minor_units(payment.amount, payment.currency)
    received = int(data.get("amount_received") or data.get("amount") or 0)
    if received != expected or currency != payment.currency:
        return _flag(
            stored,
            _(
                "Stripe reports %(received)s %(currency)s (minor units); the order expects %(expected)s %(expected_currency)s."
            )
            % {"received": received, "currency": currency, "expected": expected, "expected_currency": payment.currency},
        )
    if payment.status in Payment.CAPTURED:
        return _finish(stored, WebhookEvent.Outcome.IGNORED, "already paid")
    if order.status in (Order.Status.CANCELLED, Order.Status.REFUNDED):
        return _flag(stored, _("Money arrived for a cancelled order: refund it or reinstate the order."))
    _settle(order=order, payment=payment)
    return _finish(stored, WebhookEvent.Outcome.PROCESSED)


def _stripe_refunded(stored, order, payment, data, currency) -> WebhookEvent:
    if payment.status not in Payment.CAPTURED:
        return _flag(stored, _("A refund was reported for a payment we have not recorded as paid."))
    refunded_total = stripe_api.from_minor_units(int(data.get("amount_refunded") or 0), currency or payment.currency)
    new_amount = refunded_total - payment.amount_refunded
    if new_amount <= 0:
        # Our own refund, already recorded when staff made it.
        return _finish(stored, WebhookEvent.Outcome.IGNORED, "refund already recorded")
    if refunded_total > payment.amount:
        return _flag(stored, _("Stripe reports more refunded than was paid."))
    payment.record_refund(new_amount)
    payment.save(update_fields=["amount_refunded", "status", "updated_at"])
    Refund.objects.create(payment=payment, amount=new_amount, reason="Stripe dashboard")
    _after_refund(order=order, payment=payment)
    return _finish(stored, WebhookEvent.Outcome.PROCESSED)


def _after_refund(*, order: Order, payment: Payment, actor=None, reason: str = "") -> Order:
    """A full refund of an order that still holds stock cancels it (stock comes back) and marks
    it refunded; a delivered order keeps its status (the goods are out)."""
    if payment.status != Payment.Status.REFUNDED:
        return order
    if order.holds_stock:
        order = order_cancel(order=order, actor=actor, reason=reason or "refunded")
    if order.can_move_to(Order.Status.REFUNDED):
        order.set_status(Order.Status.REFUNDED)
        order.save(update_fields=["status", "updated_at"])
    else:
        logger.info("Order %s refunded in full but stays %s", order.reference, order.status)
    return order


# ---------------------------------------------------------------- refunds


def payment_refund(*, payment: Payment, amount: Decimal, actor, reason: str = "", cancel_order: bool = False) -> Refund:
    """Staff refund, full or partial. Card money goes back through Stripe; other methods are
    paid back by hand and recorded here. `cancel_order` also cancels the order, which returns
    its stock."""
    if not can_refund(actor):
        raise NotAllowed(_("You may not refund payments."))
    amount = Decimal(amount).quantize(Decimal("0.01"))
    with transaction.atomic():
        order = _locked_order(payment.order_id)
        payment = Payment.objects.select_for_update().get(pk=payment.pk)
        if amount <= 0 or amount > payment.refundable_amount:
            raise RefundError(
                _("The refund must be more than 0 and at most %(amount)s %(currency)s.")
                % {"amount": payment.refundable_amount, "currency": payment.currency}
            )
        try:
            reference = get_provider(payment.provider).refund(payment=payment, amount=amount)
        except stripe_api.StripeError as error:
            logger.exception("Stripe refund failed for %s", payment.provider_reference)
            raise RefundError(
                _("Stripe refused the refund: %(error)s") % {"error": error.user_message or error}
            ) from error
        payment.record_refund(amount)
        payment.save(update_fields=["amount_refunded", "status", "updated_at"])
        refund = Refund.objects.create(
            payment=payment, amount=amount, reason=reason, provider_reference=reference, created_by=actor
        )
        if cancel_order and order.holds_stock:
            order = order_cancel(order=order, actor=actor, reason=reason or "refunded")
        _after_refund(order=order, payment=payment, actor=actor, reason=reason)
    return refund
