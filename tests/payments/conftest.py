import hashlib
import hmac
import json
import time
from decimal import Decimal

import pytest

from tests.factories.marketplace import OrderFactory

WEBHOOK_SECRET = "whsec_test_secret"


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
