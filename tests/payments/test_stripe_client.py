from decimal import Decimal

import pytest

from marketplace.payments.providers.stripe import from_minor_units, is_configured, to_minor_units


@pytest.mark.parametrize(
    "amount,currency,minor",
    [
        (Decimal("4100"), "KHR", 410000),  # KHR is not zero-decimal at Stripe
        (Decimal("12.50"), "USD", 1250),
        (Decimal("0.01"), "usd", 1),
        (Decimal("500"), "JPY", 500),
    ],
)
def test_minor_units(amount, currency, minor):
    assert to_minor_units(amount, currency) == minor
    assert from_minor_units(minor, currency) == amount


def test_card_is_configured_only_with_both_keys(settings):
    settings.STRIPE_SECRET_KEY, settings.STRIPE_PUBLISHABLE_KEY = "sk_test_x", ""
    assert not is_configured()
    settings.STRIPE_PUBLISHABLE_KEY = "pk_test_x"
    assert is_configured()
