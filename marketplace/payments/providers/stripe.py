"""Card payments by Stripe: the one module that imports `stripe`.

`StripeClient` is built from settings for every use (no global `stripe.api_key`), so tests point
`STRIPE_API_BASE` at localstripe. `StripeProvider` owns the card workflow: the card form's server
side (`pay`), the return page's re-read (`check`), the signed webhook (`handle_webhook`) and
refunds. Money reported by Stripe goes through the one settle step (marketplace.payments.settle).
Amounts cross the Stripe boundary in minor units; the conversions live here too."""

from __future__ import annotations

import dataclasses
import datetime
import json
import logging
import time
from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal

import stripe
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from marketplace.models import Order

from .. import settle
from ..exceptions import NotAllowed, PaymentError, ProviderUnavailable, RefundError
from ..methods import Method
from ..models import Payment, WebhookEvent
from .base import PaymentProvider, PayOutcome, WebhookRejected

logger = logging.getLogger(__name__)

# Stripe's zero-decimal currencies (https://docs.stripe.com/currencies#zero-decimal). KHR is NOT
# one of them: Stripe expects riel × 100, so 4,100 riel is sent as 410000.
ZERO_DECIMAL_CURRENCIES = frozenset("BIF CLP DJF GNF JPY KMF KRW MGA PYG RWF UGX VND VUV XAF XOF XPF".split())

# A signed event whose timestamp is further than this from now, either way, is refused.
WEBHOOK_TOLERANCE_SECONDS = 300

CardError = stripe.CardError
StripeError = stripe.StripeError
SignatureVerificationError = stripe.SignatureVerificationError


class BadEvent(ValueError):
    """A signed body that is not a Stripe event object."""


def to_minor_units(amount: Decimal, currency: str) -> int:
    if currency.upper() in ZERO_DECIMAL_CURRENCIES:
        return int(amount.quantize(Decimal("1"), rounding=ROUND_HALF_UP))
    return int((amount * 100).quantize(Decimal("1"), rounding=ROUND_HALF_UP))


def from_minor_units(amount: int, currency: str) -> Decimal:
    if currency.upper() in ZERO_DECIMAL_CURRENCIES:
        return Decimal(amount)
    return (Decimal(amount) / 100).quantize(Decimal("0.01"))


def is_configured() -> bool:
    return bool(settings.STRIPE_SECRET_KEY and settings.STRIPE_PUBLISHABLE_KEY)


@dataclasses.dataclass(frozen=True)
class IntentState:
    """What we keep of a PaymentIntent: never the card details."""

    id: str
    status: str
    amount: int
    currency: str
    client_secret: str
    failure_message: str = ""

    @classmethod
    def from_stripe(cls, intent) -> IntentState:
        intent = intent.to_dict() if hasattr(intent, "to_dict") else intent
        error = intent.get("last_payment_error") or {}
        return cls(
            id=intent["id"],
            status=intent["status"],
            amount=int(intent["amount"]),
            currency=str(intent["currency"]).upper(),
            client_secret=intent.get("client_secret") or "",
            failure_message=(error.get("message") or "") if error else "",
        )


class StripeClient:
    """A thin, typed face on `stripe.StripeClient` for what the payments app does."""

    def __init__(self, *, secret_key: str, api_base: str, webhook_secret: str = ""):
        self.webhook_secret = webhook_secret
        self._client = stripe.StripeClient(
            secret_key,
            base_addresses={"api": api_base.rstrip("/")},
            max_network_retries=1,
        )

    @classmethod
    def from_settings(cls) -> StripeClient:
        return cls(
            secret_key=settings.STRIPE_SECRET_KEY,
            api_base=settings.STRIPE_API_BASE,
            webhook_secret=settings.STRIPE_WEBHOOK_SECRET,
        )

    def payment_method_from_token(self, *, token: str, email: str = "") -> tuple[str, str]:
        """Attach a Stripe.js card token to a new customer; return (customer id, card id).

        A token-backed card saved on a customer is usable as a PaymentIntent's payment method
        on Stripe and on localstripe alike (localstripe cannot build a PaymentMethod from a
        token)."""
        params = {"source": token}
        if email:
            params["email"] = email
        customer = self._client.v1.customers.create(params)
        return customer.id, customer.default_source

    def create_payment_intent(
        self,
        *,
        amount: int,
        currency: str,
        customer: str,
        payment_method: str,
        order_reference: str,
        idempotency_key: str,
    ) -> IntentState:
        intent = self._client.v1.payment_intents.create(
            {
                "amount": amount,
                "currency": currency.lower(),
                "customer": customer,
                "payment_method": payment_method,
                "payment_method_types": ["card"],
                "metadata": {"order_reference": order_reference},
            },
            {"idempotency_key": idempotency_key},
        )
        return IntentState.from_stripe(intent)

    def confirm_payment_intent(self, intent_id: str) -> IntentState:
        return IntentState.from_stripe(self._client.v1.payment_intents.confirm(intent_id))

    def retrieve_payment_intent(self, intent_id: str) -> IntentState:
        return IntentState.from_stripe(self._client.v1.payment_intents.retrieve(intent_id))

    def cancel_payment_intent(self, intent_id: str) -> IntentState:
        return IntentState.from_stripe(self._client.v1.payment_intents.cancel(intent_id))

    def refund(self, *, intent_id: str, amount: int, idempotency_key: str) -> str:
        refund = self._client.v1.refunds.create(
            {"payment_intent": intent_id, "amount": amount}, {"idempotency_key": idempotency_key}
        )
        return refund.id

    def construct_event(self, *, payload: bytes, signature: str) -> dict:
        """Verify the Stripe-Signature header and return the event as plain data. Raises
        SignatureVerificationError for a bad signature or a timestamp outside the tolerance in
        either direction (the library checks only the past), and BadEvent for a body that is not
        a JSON object shaped like an event."""
        if not self.webhook_secret:
            raise SignatureVerificationError("No webhook secret configured", signature)
        try:
            text = payload.decode("utf-8")
        except UnicodeDecodeError as error:
            raise BadEvent("body is not UTF-8") from error
        stripe.WebhookSignature.verify_header(text, signature, self.webhook_secret, tolerance=WEBHOOK_TOLERANCE_SECONDS)
        timestamp = stripe.WebhookSignature._get_timestamp_and_signatures(signature, "v1")[0]
        if timestamp > time.time() + WEBHOOK_TOLERANCE_SECONDS:
            raise SignatureVerificationError("Timestamp in the future", signature, text)
        try:
            event = json.loads(text)
        except ValueError as error:
            raise BadEvent("body is not JSON") from error
        data = event.get("data") if isinstance(event, dict) else None
        if (
            not isinstance(event, dict)
            or not isinstance(event.get("id"), str)
            or not event["id"]
            or not isinstance(event.get("type"), str)
            or not isinstance(data, dict)
            or not isinstance(data.get("object"), dict)
        ):
            raise BadEvent("body is not a Stripe event object")
        return event


# ---------------------------------------------------------------- what the buyer is told

# Stripe's error codes we explain in the buyer's language; anything else gets a generic
# sentence (raw Stripe text is English and is never shown on a Khmer page).
KNOWN_FAILURES = {
    "card_declined": gettext_lazy("Your card was declined."),
    "generic_decline": gettext_lazy("Your card was declined."),
    "insufficient_funds": gettext_lazy("The card has insufficient funds."),
    "expired_card": gettext_lazy("The card has expired."),
    "incorrect_cvc": gettext_lazy("The card's security code is incorrect."),
    "incorrect_number": gettext_lazy("The card number is incorrect."),
    "processing_error": gettext_lazy("The card could not be processed. Please try again."),
    "payment_intent_authentication_failure": gettext_lazy("The card's security check (3-D Secure) failed."),
}
# The same, keyed by the English text Stripe (and localstripe) put in `last_payment_error`.
KNOWN_MESSAGES = {
    "The provided PaymentMethod has failed authentication.": "payment_intent_authentication_failure",
    "Your card was declined.": "card_declined",
    "Your card has insufficient funds.": "insufficient_funds",
    "Your card has expired.": "expired_card",
    "Your card's security code is incorrect.": "incorrect_cvc",
}


def explain_failure(message: str = "", code: str = "") -> str:
    """A card failure in the reader's language: known codes and messages translated, anything
    else a generic sentence (never raw Stripe text)."""
    code = code or KNOWN_MESSAGES.get((message or "").strip(), "")
    if code in KNOWN_FAILURES:
        return str(KNOWN_FAILURES[code])
    return _("The payment did not go through.")


# Intent states in which an earlier attempt could still take money.
INTENT_MAY_SUCCEED = {"requires_action", "requires_confirmation", "requires_capture", "processing"}
# A claimed attempt (Payment row without a PaymentIntent yet) younger than this belongs to
# another tab still talking to Stripe.
CLAIM_WINDOW = datetime.timedelta(minutes=2)


class StripeProvider(PaymentProvider):
    method = Method.STRIPE
    online = True

    def is_configured(self, request=None) -> bool:
        return is_configured()

    def start_url(self, order) -> str:
        return order.token_url("payments:card")

    def describe(self, order) -> str:
        return str(gettext_lazy("Pay by card (Visa, Mastercard) on a secure form."))

    def client(self) -> StripeClient:
        return StripeClient.from_settings()

    # ------------------------------------------------------------ the card form

    def pay(self, *, order, data: Mapping) -> PayOutcome:
        """The card form's server side: the browser only tokenised the card; the PaymentIntent
        is created and confirmed here. No database transaction is held across a Stripe call
        (SQLite would lock every other writer); instead the attempt is claimed first, and an
        earlier attempt that may still succeed is settled, reused or cancelled for certain
        before any new charge."""
        token = str(data.get("token") or "")
        if not token.startswith("tok_"):
            raise PaymentError(_("The card details did not reach us. Please try again."))
        client = self.client()
        earlier = self._claim_checks(order)
        for payment in earlier:
            outcome = self._settle_earlier_attempt(payment, client)
            if outcome is not None:
                return outcome
        with transaction.atomic():
            locked = settle.locked_order(order.pk)
            self._check_card_order(locked)
            if locked.payments.open().filter(provider=self.method).exists():
                # Another tab claimed an attempt since we looked: let the return page tell.
                return PayOutcome(payment=None, status="processing")
            payment = Payment.objects.create(
                order=locked, provider=self.method, amount=locked.total, currency=locked.currency
            )
        return self._charge(payment=payment, token=token, client=client)

    def _check_card_order(self, order) -> None:
        if order.payment_method != self.method:
            raise NotAllowed(_("This order is not paid by card."))
        settle.check_payable(order)
        if order.status != order.Status.PENDING_PAYMENT:
            raise PaymentError(_("This order is not waiting for a payment."))

    def _claim_checks(self, order) -> list[Payment]:
        with transaction.atomic():
            locked = settle.locked_order(order.pk)
            self._check_card_order(locked)
            open_attempts = list(locked.payments.open().filter(provider=self.method))
        fresh_claims = [
            p for p in open_attempts if not p.provider_reference and p.created_at > timezone.now() - CLAIM_WINDOW
        ]
        if fresh_claims:
            raise PaymentError(_("A payment for this order is already under way. Wait a moment, then reload."))
        stale_claims = [p for p in open_attempts if not p.provider_reference]
        for claim in stale_claims:  # never reached Stripe: nothing to cancel there
            self._apply_state(claim.pk, status="canceled")
        return [p for p in open_attempts if p.provider_reference]

    def _settle_earlier_attempt(self, payment: Payment, client: StripeClient) -> PayOutcome | None:
        """An earlier PaymentIntent for this order: read it from Stripe; settle it if it took
        the money; cancel it for certain if it still could. Returns an outcome when no new
        charge may start."""
        try:
            intent = client.retrieve_payment_intent(payment.provider_reference)
        except StripeError as error:
            raise ProviderUnavailable(_("The card service is unavailable. Please try again later.")) from error
        if intent.status in INTENT_MAY_SUCCEED:
            try:
                intent = client.cancel_payment_intent(payment.provider_reference)
            except StripeError:
                logger.warning("Stripe refused to cancel %s; reading it again", payment.provider_reference)
                try:
                    intent = client.retrieve_payment_intent(payment.provider_reference)
                except StripeError as error:
                    raise ProviderUnavailable(_("The card service is unavailable. Please try again later.")) from error
        payment = self._apply_intent(payment.pk, intent)
        if payment.is_captured:
            return PayOutcome(payment=payment, status="succeeded")
        if payment.is_open:
            # Stripe would not cancel it and it may still succeed: no second charge.
            return PayOutcome(
                payment=payment,
                status="failed",
                message=_("An earlier payment for this order is still being processed. Wait a minute, then reload."),
            )
        return None

    def _charge(self, *, payment: Payment, token: str, client: StripeClient) -> PayOutcome:
        order = payment.order
        try:
            customer, card = client.payment_method_from_token(token=token, email=order.buyer_email)
            intent = client.create_payment_intent(
                amount=to_minor_units(payment.amount, payment.currency),
                currency=payment.currency,
                customer=customer,
                payment_method=card,
                order_reference=order.reference,
                idempotency_key=f"sahakum-payment-{payment.pk}",
            )
        except CardError as error:
            logger.info("Card refused before the PaymentIntent for %s: %s", order.reference, error)
            self._apply_state(payment.pk, status="requires_payment_method", message=error.user_message or str(error))
            return PayOutcome(payment=None, status="failed", message=explain_failure(code=error.code or ""))
        except StripeError as error:
            logger.exception("Stripe error for order %s", order.reference)
            self._apply_state(payment.pk, status="canceled")
            raise ProviderUnavailable(_("The card service is unavailable. Please try again later.")) from error
        Payment.objects.filter(pk=payment.pk).update(provider_reference=intent.id, updated_at=timezone.now())
        try:
            intent = client.confirm_payment_intent(intent.id)
        except CardError:
            intent = client.retrieve_payment_intent(intent.id)
        except StripeError as error:
            logger.exception("Stripe error confirming %s", intent.id)
            raise ProviderUnavailable(_("The card service is unavailable. Please try again later.")) from error
        payment = self._apply_intent(payment.pk, intent)
        if payment.is_captured:
            return PayOutcome(payment=payment, status="succeeded")
        if payment.status == Payment.Status.REQUIRES_ACTION:
            return PayOutcome(payment=payment, status="requires_action", client_secret=intent.client_secret)
        if payment.status == Payment.Status.FAILED:
            return PayOutcome(
                payment=payment,
                status="failed",
                message=_("Your card was declined. The order is not paid; you can try another card."),
            )
        return PayOutcome(payment=payment, status="processing")

    # ------------------------------------------------------------ Stripe's word → our records

    def _apply_state(self, payment_pk: int, *, status: str, message: str = "") -> Payment:
        with transaction.atomic():
            payment = Payment.objects.get(pk=payment_pk)
            settle.locked_order(payment.order_id)
            payment = settle.locked_payment(payment_pk)
            if not payment.is_open:
                return payment
            if status == "requires_action":
                payment.mark_requires_action()
            elif status == "requires_payment_method":
                payment.mark_failed(message or _("The card was not accepted."))
            elif status == "canceled":
                payment.mark_cancelled()
            else:
                return payment
            payment.save(update_fields=["status", "failure_message", "updated_at"])
        return payment

    def _apply_intent(self, payment_pk: int, intent: IntentState) -> Payment:
        """Bring our payment in line with the PaymentIntent as Stripe reports it."""
        if intent.status == "succeeded":
            with transaction.atomic():
                payment = Payment.objects.get(pk=payment_pk)
                return settle.money_received(
                    payment=payment,
                    amount=from_minor_units(intent.amount, intent.currency),
                    currency=intent.currency,
                    refund_duplicate=self.refund_in_full,
                )
        return self._apply_state(payment_pk, status=intent.status, message=intent.failure_message)

    def check(self, *, payment: Payment) -> Payment:
        """Re-read the PaymentIntent from Stripe (the return page never trusts the browser)."""
        if not payment.provider_reference or not payment.is_open:
            return payment  # final here; money arriving later comes by the webhook
        try:
            intent = self.client().retrieve_payment_intent(payment.provider_reference)
        except StripeError:
            logger.warning("Could not read PaymentIntent %s", payment.provider_reference)
            return payment
        return self._apply_intent(payment.pk, intent)

    # ------------------------------------------------------------ money back

    def refund(self, *, payment: Payment, amount: Decimal) -> str:
        try:
            return self.client().refund(
                intent_id=payment.provider_reference,
                amount=to_minor_units(amount, payment.currency),
                idempotency_key=f"sahakum-refund-{payment.pk}-{payment.amount_refunded}-{amount}",
            )
        except StripeError as error:
            logger.exception("Stripe refund failed for %s", payment.provider_reference)
            raise RefundError(_("The card processor refused the refund. Please try again later.")) from error

    def refund_in_full(self, payment: Payment) -> None:
        """Give a duplicate payment straight back (caller holds the locks)."""
        amount = payment.refundable_amount
        reference = self.refund(payment=payment, amount=amount)
        order = payment.order
        settle.refund_recorded(
            order=order, payment=payment, amount=amount, reason="duplicate payment", reference=reference
        )

    # ------------------------------------------------------------ webhook

    EVENT_TYPES = {"payment_intent.succeeded", "payment_intent.payment_failed", "charge.refunded"}

    def handle_webhook(self, *, body: bytes, headers: Mapping) -> tuple[WebhookEvent, bool]:
        """Verify the Stripe-Signature, then apply the event once (raises WebhookRejected,
        which the view answers with 400)."""
        try:
            event = self.client().construct_event(payload=body, signature=headers.get("Stripe-Signature", ""))
        except (SignatureVerificationError, BadEvent) as error:
            raise WebhookRejected(str(error)) from error
        return self.process_event(event)

    def process_event(self, event: dict) -> tuple[WebhookEvent, bool]:
        """Apply one verified event; (stored event, whether this delivery was new). The event
        row and its effect commit together: a replay finds the row and does nothing."""
        event_type = event["type"]
        data = event["data"]["object"]
        with transaction.atomic():
            stored, new = settle.store_event(
                provider=self.method, event_id=event["id"], type=event_type[:100], payload=event
            )
            if not new:
                return stored, False
            if event_type not in self.EVENT_TYPES:
                return settle.finish(stored, WebhookEvent.Outcome.IGNORED, "event type not handled"), True
            intent_id = data.get("id") if event_type.startswith("payment_intent.") else data.get("payment_intent")
            payment = Payment.objects.filter(provider=self.method, provider_reference=str(intent_id or "-")).first()
            if payment is None:
                reference = str((data.get("metadata") or {}).get("order_reference", "") or "")
                order = Order.objects.filter(reference=reference).first() if reference else None
                if order is None:
                    logger.warning("Stripe event %s (%s) for an unknown order %r", event["id"], event_type, reference)
                    return settle.finish(stored, WebhookEvent.Outcome.UNKNOWN_ORDER, f"no order for {intent_id}"), True
                stored.order = order
                return settle.flag(stored, _("Stripe reports a payment we did not start for this order.")), True
            currency = str(data.get("currency") or "").upper()
            if event_type == "payment_intent.succeeded":
                received = _int(data.get("amount_received") or data.get("amount"))
                settle.money_received(
                    payment=payment,
                    amount=from_minor_units(received, currency or payment.currency),
                    currency=currency,
                    event=stored,
                    refund_duplicate=self.refund_in_full,
                )
                return stored, True
            order = settle.locked_order(payment.order_id)
            payment = settle.locked_payment(payment.pk)
            stored.order = order
            if event_type == "payment_intent.payment_failed":
                if not payment.is_open:
                    return settle.finish(
                        stored, WebhookEvent.Outcome.IGNORED, f"payment already {payment.status}"
                    ), True
                error = data.get("last_payment_error")
                payment.mark_failed((error.get("message") if isinstance(error, dict) else "") or "")
                payment.save(update_fields=["status", "failure_message", "updated_at"])
                return settle.finish(stored, WebhookEvent.Outcome.PROCESSED), True
            return self._refunded(stored, order, payment, data, currency), True

    def _refunded(self, stored, order, payment, data, currency) -> WebhookEvent:
        if not payment.is_captured:
            return settle.flag(stored, _("A refund was reported for a payment we have not recorded as paid."))
        refunded_total = from_minor_units(_int(data.get("amount_refunded")), currency or payment.currency)
        new_amount = refunded_total - payment.amount_refunded
        if new_amount <= 0:
            # Our own refund, already recorded when staff made it.
            return settle.finish(stored, WebhookEvent.Outcome.IGNORED, "refund already recorded")
        if refunded_total > payment.amount:
            return settle.flag(stored, _("Stripe reports more refunded than was paid."))
        settle.refund_recorded(order=order, payment=payment, amount=new_amount, reason="Stripe dashboard")
        return settle.finish(stored, WebhookEvent.Outcome.PROCESSED)

    def failure_text(self, payment: Payment) -> str:
        return explain_failure(payment.failure_message)


def _int(value) -> int:
    try:
        return int(value or 0)
    except (TypeError, ValueError):
        return 0
