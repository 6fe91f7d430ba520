"""The real `stripe` library against localstripe on 127.0.0.1 (no test reaches the internet)."""

import json
import urllib.request
from decimal import Decimal

import pytest
from django.utils import translation

from accounts.roles import ADMINISTRATOR
from marketplace.models import Order
from marketplace.payments import services
from marketplace.payments.models import Payment, WebhookEvent
from marketplace.payments.providers import get_provider
from marketplace.payments.providers.stripe import StripeClient
from tests.payments.conftest import WEBHOOK_SECRET, card_pay, card_token, intent_at_stripe

VISA, THREE_D_SECURE, DECLINED = "4242424242424242", "4000002500003155", "4000000000000341"


def authenticate(double, client_secret, success=True):
    """What confirmCardPayment's 3-D Secure dialog does in the browser."""
    intent = client_secret.split("_secret_")[0]
    body = json.dumps({"key": "pk_test_sahakum", "client_secret": client_secret}).encode()
    url = f"{double.url}/v1/payment_intents/{intent}/_authenticate?success={str(success).lower()}"
    with urllib.request.urlopen(urllib.request.Request(url, data=body), timeout=10) as response:
        return json.load(response)


@pytest.mark.django_db
def test_card_payment_succeeds_server_side(localstripe, make_order):
    order = make_order(payment_method="stripe", total=Decimal("12.50"))
    outcome = card_pay(order, card_token(localstripe, VISA))
    assert outcome.status == "succeeded"
    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    payment = order.payments.get()
    assert payment.provider_reference.startswith("pi_")
    intent = StripeClient.from_settings().retrieve_payment_intent(payment.provider_reference)
    assert (intent.amount, intent.currency, intent.status) == (1250, "USD", "succeeded")


@pytest.mark.django_db
def test_riel_order_is_charged_in_riel_times_100(localstripe, make_order):
    order = make_order(payment_method="stripe", total=Decimal("4100"), currency="KHR")
    card_pay(order, card_token(localstripe, VISA))
    intent = StripeClient.from_settings().retrieve_payment_intent(order.payments.get().provider_reference)
    assert (intent.amount, intent.currency) == (410000, "KHR")


@pytest.mark.django_db
def test_three_d_secure_is_handed_back_then_read_from_stripe(localstripe, make_order):
    order = make_order(payment_method="stripe")
    StripeClient.from_settings()
    outcome = card_pay(order, card_token(localstripe, THREE_D_SECURE))
    assert outcome.status == "requires_action" and outcome.client_secret.startswith("pi_")
    order.refresh_from_db()
    assert order.status == Order.Status.PENDING_PAYMENT
    authenticate(localstripe, outcome.client_secret)
    get_provider("stripe").check(payment=outcome.payment)
    order.refresh_from_db()
    assert order.status == Order.Status.PAID


@pytest.mark.django_db
def test_failed_authentication_leaves_the_order_unpaid(localstripe, make_order):
    order = make_order(payment_method="stripe")
    StripeClient.from_settings()
    outcome = card_pay(order, card_token(localstripe, THREE_D_SECURE))
    authenticate(localstripe, outcome.client_secret, success=False)
    payment = get_provider("stripe").check(payment=outcome.payment)
    order.refresh_from_db()
    assert order.status == Order.Status.PENDING_PAYMENT and payment.status == Payment.Status.FAILED
    # The buyer may try again with another card.
    again = card_pay(order, card_token(localstripe, VISA))
    assert again.status == "succeeded"
    assert order.payments.captured().count() == 1


@pytest.mark.django_db
def test_declined_card_leaves_the_order_unpaid(localstripe, make_order):
    order = make_order(payment_method="stripe")
    with translation.override("en"):
        outcome = card_pay(order, card_token(localstripe, DECLINED))
    assert outcome.status == "failed" and "declined" in outcome.message
    order.refresh_from_db()
    assert order.status == Order.Status.PENDING_PAYMENT
    assert order.payments.get().status == Payment.Status.FAILED


@pytest.mark.django_db
def test_card_pay_view_answers_json_and_refuses_junk(localstripe, make_order, client):
    order = make_order(payment_method="stripe")
    url = f"/en/market/orders/{order.reference}/pay/card/submit/?token={order.access_token}"
    json_accept = {"HTTP_ACCEPT": "application/json"}
    assert client.post(url, {"token": "not-a-token"}, **json_accept).status_code == 400
    response = client.post(url, {"token": card_token(localstripe, VISA)}, **json_accept)
    assert response.status_code == 200 and response.json()["status"] == "succeeded"
    response = client.post(url, {"token": card_token(localstripe, VISA)}, **json_accept)
    # Already paid: no second charge, and the buyer is sent to the receipt, not told to try again.
    assert response.status_code == 200 and response.json()["status"] == "succeeded"
    assert order.payments.count() == 1
    other = f"/en/market/orders/{order.reference}/pay/card/submit/?token=wrong"
    assert client.post(other, {"token": card_token(localstripe, VISA)}, **json_accept).status_code == 404


@pytest.mark.django_db
def test_staff_refund_goes_through_stripe(localstripe, make_order, make_user):
    order = make_order(payment_method="stripe", total=Decimal("12.50"))
    StripeClient.from_settings()
    card_pay(order, card_token(localstripe, VISA))
    payment = order.payments.get()
    refund = services.payment_refund(payment=payment, amount=Decimal("2.50"), actor=make_user(ADMINISTRATOR))
    assert refund.provider_reference.startswith("re_")
    payment.refresh_from_db()
    assert payment.amount_refunded == Decimal("2.50")


@pytest.mark.django_db(transaction=True)
def test_localstripe_signed_webhook_marks_the_order_paid(localstripe, make_order, live_server):
    localstripe.drain()  # events of earlier tests are sent 1 s after they happen
    localstripe.register_webhook(
        url=f"{live_server.url}/payments/stripe/webhook/",
        secret=WEBHOOK_SECRET,
        events=["payment_intent.succeeded", "payment_intent.payment_failed", "charge.refunded"],
    )
    order = make_order(payment_method="stripe", total=Decimal("9.75"))
    client, payment, intent = intent_at_stripe(localstripe, order, number=VISA, key_prefix="test")
    # Confirmed straight at Stripe: only the webhook can tell our server.
    assert client.confirm_payment_intent(payment.provider_reference).status == "succeeded"
    assert "successfully delivered" in localstripe.wait_for_delivery("payment_intent.succeeded")
    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    event = WebhookEvent.objects.get(type="payment_intent.succeeded")
    assert event.outcome == WebhookEvent.Outcome.PROCESSED and event.order_id == order.pk
    assert event.payload["data"]["object"]["id"] == payment.provider_reference


@pytest.mark.django_db
def test_card_refused_when_saved_is_recorded_and_another_card_can_follow(localstripe, make_order):
    order = make_order(payment_method="stripe")
    StripeClient.from_settings()
    outcome = card_pay(order, card_token(localstripe, "4000000000000002"))
    assert outcome.status == "failed"
    assert order.payments.get().status == Payment.Status.FAILED
    assert card_pay(order, card_token(localstripe, VISA)).status == "succeeded"
    order.refresh_from_db()
    assert order.status == Order.Status.PAID
