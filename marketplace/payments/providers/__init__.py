"""The payment providers behind one interface (base.PaymentProvider) and the registry that
checkout, views and services ask: `get_provider(order.payment_method)`. Nobody outside this
package names a provider class."""

from __future__ import annotations

from ..methods import Method
from .base import PaymentProvider, PayOutcome, UnsupportedStep, WebhookRejected
from .khqr import KHQRProvider
from .offline import BankTransferProvider, CashOnDeliveryProvider, PayAtPickupProvider
from .stripe import StripeProvider

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
assert set(REGISTRY) == set(Method.values), "every payment method has exactly one provider"  # nosec B101  # wiring check at import; tests run it


def get_provider(method: str) -> PaymentProvider:
    return REGISTRY[method]


def available_providers(request=None) -> list[PaymentProvider]:
    return [provider for provider in REGISTRY.values() if provider.is_configured(request)]


def checkout_choices(request=None) -> list[tuple[str, str]]:
    return [(provider.method, provider.label) for provider in available_providers(request)]


def after_checkout_url(order) -> str:
    """Where checkout sends the buyer: the provider's payment page for online methods."""
    provider = get_provider(order.payment_method)
    if provider.online and order.status == order.Status.PENDING_PAYMENT:
        return provider.start_url(order)
    return order.get_absolute_url()


__all__ = [
    "PayOutcome",
    "PaymentProvider",
    "UnsupportedStep",
    "WebhookRejected",
    "after_checkout_url",
    "available_providers",
    "checkout_choices",
    "get_provider",
]
