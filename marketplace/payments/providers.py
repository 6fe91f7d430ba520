"""One interface, three kinds of provider (card by Stripe, KHQR, offline), and the registry
that checkout asks for the methods it may offer.

A provider knows whether it is configured, where the buyer starts paying, how to tell the
buyer what to do, how a notification from outside is handled, and how money goes back."""

from __future__ import annotations

from decimal import Decimal

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from . import bakong
from . import stripe as stripe_api
from .models import Method, Payment, PaymentSettings


def _order_url(name: str, order) -> str:
    return f"{reverse(name, kwargs={'reference': order.reference})}?token={order.access_token}"


class PaymentProvider:
    method: str = ""
    # Online providers take the buyer to a payment page straight after checkout.
    online: bool = False

    @property
    def label(self) -> str:
        return str(Method(self.method).label)

    def is_configured(self, request=None) -> bool:
        return True

    def start_url(self, order) -> str:
        """Where the buyer starts paying (the receipt/order page when nothing is due now)."""
        return order.get_absolute_url()

    def describe(self, order) -> str:
        """One sentence for the buyer about how this order is paid."""
        raise NotImplementedError

    def handle_notification(self, **kwargs):
        """Apply a message from the provider (webhook, status check)."""
        raise NotImplementedError(f"{self.method} sends no notifications")

    def refund(self, *, payment: Payment, amount: Decimal) -> str:
        """Give money back; returns the provider's refund reference. Offline money goes back by
        hand, so the default only records it."""
        return ""


class CashOnDeliveryProvider(PaymentProvider):
    method = Method.CASH_ON_DELIVERY

    def describe(self, order) -> str:
        return str(_("Pay in cash when your goods are delivered."))


class PayAtPickupProvider(PaymentProvider):
    method = Method.PAY_AT_PICKUP

    def describe(self, order) -> str:
        return str(_("Pay in cash when you collect your goods at the collection point."))


class BankTransferProvider(PaymentProvider):
    method = Method.BANK_TRANSFER
    online = True

    def is_configured(self, request=None) -> bool:
        return bool(_payment_settings(request).bank_account_number)

    def start_url(self, order) -> str:
        return _order_url("payments:bank_transfer", order)

    def describe(self, order) -> str:
        return str(
            _("Transfer the total to our bank account with the reference %(reference)s; we confirm when it arrives.")
            % {"reference": order.reference}
        )


class KHQRProvider(PaymentProvider):
    method = Method.KHQR
    online = True

    def is_configured(self, request=None) -> bool:
        return bool(_payment_settings(request).bakong_account_id)

    def start_url(self, order) -> str:
        return _order_url("payments:khqr", order)

    def describe(self, order) -> str:
        return str(_("Scan the KHQR code with your bank app (Bakong, ABA, ACLEDA, Wing…) and pay the exact amount."))

    def handle_notification(self, *, payment: Payment, client: bakong.BakongClient | None = None) -> Payment:
        from .services import khqr_payment_check

        client = client or bakong.get_client()
        if client is None:
            return payment
        return khqr_payment_check(payment=payment, client=client)


class StripeProvider(PaymentProvider):
    method = Method.STRIPE
    online = True

    def is_configured(self, request=None) -> bool:
        return stripe_api.is_configured()

    def start_url(self, order) -> str:
        return _order_url("payments:card", order)

    def describe(self, order) -> str:
        return str(_("Pay by card (Visa, Mastercard) on a secure form."))

    def client(self) -> stripe_api.StripeClient:
        return stripe_api.StripeClient.from_settings()

    def handle_notification(self, *, payload: bytes, signature: str):
        """Verify the Stripe-Signature and apply the event; raises on a bad signature."""
        from .services import stripe_event_process

        event = self.client().construct_event(payload=payload, signature=signature)
        return stripe_event_process(event=event)

    def refund(self, *, payment: Payment, amount: Decimal) -> str:
        return self.client().refund(
            intent_id=payment.provider_reference,
            amount=stripe_api.to_minor_units(amount, payment.currency),
            idempotency_key=f"sahakum-refund-{payment.pk}-{payment.amount_refunded}-{amount}",
        )


def _payment_settings(request=None) -> PaymentSettings:
    return PaymentSettings.current(request)


REGISTRY: dict[str, PaymentProvider] = {
    provider.method: provider
    for provider in (
        CashOnDeliveryProvider(),
        PayAtPickupProvider(),
        BankTransferProvider(),
        KHQRProvider(),
        StripeProvider(),
    )
}


def get_provider(method: str) -> PaymentProvider:
    return REGISTRY[method]


def available_providers(request=None) -> list[PaymentProvider]:
    return [provider for provider in REGISTRY.values() if provider.is_configured(request)]


def checkout_choices(request=None) -> list[tuple[str, str]]:
    return [(provider.method, provider.label) for provider in available_providers(request)]


def after_checkout_url(order) -> str:
    """Where checkout sends the buyer: the provider's payment page for online methods."""
    provider = get_provider(order.payment_method)
    if provider.online and order.status == "pending_payment":
        return provider.start_url(order)
    return order.get_absolute_url()
