import hashlib
import hmac
import json
import time
import urllib.request
from decimal import Decimal

import pytest

from tests.factories.marketplace import OrderFactory

WEBHOOK_SECRET = "whsec_test_secret"


@pytest.fixture(autouse=True)
def every_khqr_verified_by_nbc_sdk(monkeypatch):
    """Every KHQR payload a payment test builds is also checked by NBC's SDK (through node)
    when the test ends: it must say isValid. Without node/node_modules this check is skipped
    (tests/payments/khqr_sdk.py says why); CI runs `npm ci`, so it runs there."""
    from marketplace.payments import khqr
    from tests.payments.khqr_sdk import sdk_missing_reason, sdk_verify

    built: list[str] = []
    original = khqr.build_payload

    def recording(**kwargs):
        payload = original(**kwargs)
        built.append(payload)
        return payload

    monkeypatch.setattr(khqr, "build_payload", recording)
    yield built
    if built and not sdk_missing_reason():
        results = sdk_verify(*built)
        assert [r["qr"] for r in results if not r["isValid"]] == [], "NBC's SDK refused a KHQR we built"


@pytest.fixture
def stripe_settings(settings):
    settings.STRIPE_SECRET_KEY = "sk_test_sahakum"
    settings.STRIPE_PUBLISHABLE_KEY = "pk_test_sahakum"
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    return settings


def create_order(*, payment_method="stripe", quantity=Decimal("5"), product=None, **kwargs):
    """An order as order_place leaves it, for one product of one group (stock already taken)."""
    return OrderFactory(payment_method=payment_method, line__quantity=quantity, line__product=product, **kwargs)


@pytest.fixture
def make_order(db):
    return create_order


def signed(payload: dict, secret: str = WEBHOOK_SECRET, timestamp: int | None = None) -> tuple[bytes, str]:
    body = json.dumps(payload).encode()
    timestamp = timestamp or int(time.time())
    signature = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return body, f"t={timestamp},v1={signature}"


def intent_event(event_id, event_type, *, intent_id, amount, currency="usd", reference="", **extra) -> dict:
    return {
        "id": event_id,
        "object": "event",
        "type": event_type,
        "created": int(time.time()),
        "data": {
            "object": {
                "id": intent_id,
                "object": "payment_intent",
                "amount": amount,
                "amount_received": amount if event_type == "payment_intent.succeeded" else 0,
                "currency": currency,
                "metadata": {"order_reference": reference},
                **extra,
            }
        },
    }


@pytest.fixture(scope="session")
def stripe_double():
    from tests.payments.stripe_double import shared_stripe_double

    return shared_stripe_double()


@pytest.fixture
def localstripe(stripe_double, stripe_settings):
    """The Stripe double, with the settings pointing at it and no webhooks left from earlier tests."""
    stripe_double.forget_webhooks()
    stripe_settings.STRIPE_API_BASE = stripe_double.url
    stripe_settings.STRIPE_JS_URL = stripe_double.js_url
    return stripe_double


def card_pay(order, token):
    """The card form's server side, through the provider registry as the view calls it."""
    from marketplace.payments.providers import get_provider

    return get_provider(order.payment_method).pay(order=order, data={"token": token})


def stripe_attempt(order, **fields):
    """A card attempt (a Payment row) for the whole order, as the Stripe provider starts one."""
    from marketplace.payments.models import Payment

    return Payment.objects.create(order=order, provider="stripe", amount=order.total, currency="USD", **fields)


def card_token(double, number) -> str:
    """What Stripe.js's createToken does in the browser (with the publishable key only)."""
    data = f"card[number]={number}&card[exp_month]=12&card[exp_year]=2034&card[cvc]=123&key=pk_test_sahakum".encode()
    with urllib.request.urlopen(urllib.request.Request(f"{double.url}/v1/tokens", data=data), timeout=10) as response:
        return json.load(response)["id"]


def intent_at_stripe(double, order, *, number, key_prefix):
    """Another tab's attempt: a Payment row and its PaymentIntent created straight at Stripe (not
    yet confirmed). Returns the client, the payment and the intent."""
    from marketplace.payments.models import Payment
    from marketplace.payments.providers.stripe import StripeClient

    client = StripeClient.from_settings()
    payment = stripe_attempt(order)
    customer, card = client.payment_method_from_token(token=card_token(double, number))
    intent = client.create_payment_intent(
        amount=int(order.total * 100),
        currency="USD",
        customer=customer,
        payment_method=card,
        order_reference=order.reference,
        idempotency_key=f"{key_prefix}-{payment.pk}",
    )
    Payment.objects.filter(pk=payment.pk).update(provider_reference=intent.id)
    payment.refresh_from_db()
    return client, payment, intent
