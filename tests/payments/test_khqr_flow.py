"""KHQR pages and the Bakong status check against a tiny HTTP double on 127.0.0.1."""

import json
import re
import threading
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from wagtail.models import Site

from marketplace.models import Order
from marketplace.payments import bakong
from marketplace.payments.models import Payment, PaymentSettings, WebhookEvent
from marketplace.payments.providers import get_provider

pytestmark = pytest.mark.django_db


class BakongDouble:
    """Answers /v1/check_transaction_by_md5 from a dict md5 → transaction data."""

    def __init__(self):
        self.paid: dict[str, dict] = {}
        self.requests: list[dict] = []
        double = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                double.requests.append({"path": self.path, "auth": self.headers.get("Authorization"), **body})
                data = double.paid.get(body.get("md5"))
                answer = (
                    {"responseCode": 0, "data": data} if data else {"responseCode": 1, "responseMessage": "not found"}
                )
                payload = json.dumps(answer).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def bakong_double(settings):
    with BakongDouble() as double:
        settings.BAKONG_API_TOKEN = "bakong-test-token"
        settings.BAKONG_API_BASE = double.url
        yield double


@pytest.fixture
def merchant(site_pages):
    settings, _ = PaymentSettings.objects.update_or_create(
        site=Site.objects.get(is_default_site=True),
        defaults={"bakong_account_id": "sahakum@aclb", "merchant_name": "Sahakum", "merchant_city": "Siem Reap"},
    )
    return settings


@pytest.fixture
def khqr_order(make_order, merchant):
    return make_order(payment_method="khqr", total=Decimal("7.25"))


def url(order, name=""):
    return f"/en/market/orders/{order.reference}/pay/khqr/{name}?token={order.access_token}"


def test_khqr_page_shows_the_code_for_the_exact_amount(client, khqr_order):
    response = client.get(url(khqr_order))
    assert response.status_code == 200
    html = response.content.decode()
    # The site's money display, the expiry and the way back to the order page (issue 10 #1).
    assert "$7.25" in html and "7.25 USD" not in html and khqr_order.reference in html
    assert "valid until" in html and khqr_order.get_absolute_url().replace("/km/", "/en/") in html
    payment = khqr_order.payments.get()
    assert "54047.25" in payment.khqr_payload and "5303840" in payment.khqr_payload
    # The same QR is shown again on reload.
    client.get(url(khqr_order))
    assert khqr_order.payments.count() == 1
    image = client.get(url(khqr_order, "qr.svg"))
    assert image.status_code == 200 and image["Content-Type"] == "image/svg+xml"
    assert client.get(f"/en/market/orders/{khqr_order.reference}/pay/khqr/qr.svg?token=nope").status_code == 404


def test_khqr_not_offered_without_a_bakong_account(client, make_order, site_pages):
    from marketplace.payments.providers import checkout_choices

    assert "khqr" not in dict(checkout_choices())
    order = make_order(payment_method="khqr")
    response = client.get(url(order))
    assert response.status_code == 200 and b"not set up" in response.content
    assert not order.payments.exists()


def test_bakong_check_marks_paid_when_the_transaction_matches(client, khqr_order, bakong_double):
    client.get(url(khqr_order))
    payment = khqr_order.payments.get()
    response = client.post(url(khqr_order, "check/"))
    assert response.status_code == 302 and "/pay/khqr/" in response["Location"]  # not paid yet
    khqr_order.refresh_from_db()
    assert khqr_order.status == Order.Status.PENDING_PAYMENT
    bakong_double.paid[payment.khqr_md5] = {"hash": "abc123", "amount": 7.25, "currency": "USD"}
    response = client.post(url(khqr_order, "check/"))
    assert response.status_code == 302 and "/receipt/" in response["Location"]
    khqr_order.refresh_from_db()
    assert khqr_order.status == Order.Status.PAID
    assert khqr_order.payments.get().provider_reference == "abc123"
    assert bakong_double.requests[-1] == {
        "path": "/v1/check_transaction_by_md5",
        "auth": "Bearer bakong-test-token",
        "md5": payment.khqr_md5,
    }
    # Checking again changes nothing.
    get_provider("khqr").check(payment=payment)
    assert WebhookEvent.objects.filter(provider="khqr").count() == 1


def test_bakong_amount_mismatch_is_flagged(khqr_order, bakong_double):
    payment = get_provider("khqr").start(order=khqr_order)
    bakong_double.paid[payment.khqr_md5] = {"hash": "h2", "amount": 1.00, "currency": "USD"}
    get_provider("khqr").check(payment=payment)
    khqr_order.refresh_from_db()
    assert khqr_order.status == Order.Status.PENDING_PAYMENT
    assert WebhookEvent.objects.get().outcome == WebhookEvent.Outcome.FLAGGED


def test_bakong_unreachable_changes_nothing(khqr_order, settings):
    settings.BAKONG_API_TOKEN = "t"
    settings.BAKONG_API_BASE = "http://127.0.0.1:9"  # discard port: connection refused
    payment = get_provider("khqr").start(order=khqr_order)
    get_provider("khqr").check(payment=payment)
    assert Payment.objects.get().status == Payment.Status.PENDING


def test_without_a_token_there_is_no_check_button(client, khqr_order, settings):
    settings.BAKONG_API_TOKEN = ""
    response = client.get(url(khqr_order))
    assert b"I have paid" not in response.content
    assert bakong.get_client() is None


def test_expired_qr_is_replaced_on_the_same_payment(client, khqr_order):
    """Issue 10 #1: the QR carries an expiry; once past it, the page shows a fresh QR for the
    same payment (never a second payment), and NBC's SDK decodes it back to the order."""
    from django.utils import timezone

    from tests.payments.khqr_sdk import sdk_verify

    client.get(url(khqr_order))
    payment = khqr_order.payments.get()
    assert payment.khqr_expires_at > timezone.now()
    old_payload = payment.khqr_payload
    Payment.objects.filter(pk=payment.pk).update(khqr_expires_at=timezone.now() - timezone.timedelta(seconds=1))
    response = client.get(url(khqr_order))
    assert response.status_code == 200
    payment.refresh_from_db()
    assert khqr_order.payments.count() == 1
    assert payment.khqr_payload != old_payload and payment.khqr_expires_at > timezone.now()
    assert payment.khqr_expires_at <= khqr_order.expires_at  # never outlives the order
    [result] = sdk_verify(payment.khqr_payload)
    assert result["isValid"] is True
    decoded = result["decoded"]
    assert (decoded["transactionAmount"], decoded["transactionCurrency"]) == ("7.25", "840")
    assert decoded["billNumber"] == khqr_order.reference
    assert decoded["bakongAccountID"] == "sahakum@aclb"


def test_riel_order_with_a_fractional_quantity_gets_a_whole_riel_qr(client, merchant, settings):
    """Issue 10 #1: MARKET_CURRENCY=KHR, 1.333 kg × 2,500 ៛ used to 500 the KHQR page."""
    from tests.factories.marketplace import ProductFactory, place_order
    from tests.payments.khqr_sdk import sdk_verify

    settings.MARKET_CURRENCY = "KHR"
    product = ProductFactory(price=Decimal("2500"))
    order = place_order((product, "1.333"), payment_method="khqr")
    response = client.get(url(order))
    assert response.status_code == 200
    html = response.content.decode()
    main = html.split("<main", 1)[-1].split("</main>")[0]
    # "KHR" as a word: a random CSRF token in the page may contain those three letters.
    assert "3,333 ៛" in html and not re.search(r"\bKHR\b", main)
    payment = order.payments.get()
    [result] = sdk_verify(payment.khqr_payload)
    assert result["isValid"] is True
    assert (result["decoded"]["transactionAmount"], result["decoded"]["transactionCurrency"]) == ("3333", "116")
