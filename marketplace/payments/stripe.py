"""The one module that talks to Stripe (and the only one that imports `stripe`).

`StripeClient` is built from settings for every use: no global `stripe.api_key`, so tests can
point `STRIPE_API_BASE` at a local Stripe double (localstripe) without touching other code.
Amounts cross this boundary in minor units; the conversions live here too."""

from __future__ import annotations

import dataclasses
import json
from decimal import ROUND_HALF_UP, Decimal

import stripe
from django.conf import settings

# Stripe's zero-decimal currencies (https://docs.stripe.com/currencies#zero-decimal). KHR is NOT
# one of them: Stripe expects riel × 100, so 4,100 riel is sent as 410000.
ZERO_DECIMAL_CURRENCIES = frozenset("BIF CLP DJF GNF JPY KMF KRW MGA PYG RWF UGX VND VUV XAF XOF XPF".split())

# A signed event older than this is refused (replay of a captured request).
WEBHOOK_TOLERANCE_SECONDS = 300

CardError = stripe.CardError
StripeError = stripe.StripeError
SignatureVerificationError = stripe.SignatureVerificationError


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
        """Verify the Stripe-Signature header and return the event as plain data; raises
        SignatureVerificationError (or ValueError for a body that is not JSON)."""
        if not self.webhook_secret:
            raise SignatureVerificationError("No webhook secret configured", signature)
        stripe.WebhookSignature.verify_header(
            payload.decode("utf-8"), signature, self.webhook_secret, tolerance=WEBHOOK_TOLERANCE_SECONDS
        )
        return json.loads(payload)
