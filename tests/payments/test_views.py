from decimal import Decimal

import pytest
from wagtail.models import Site

from accounts.roles import ADMINISTRATOR, EDITOR
from marketplace.payments import services
from marketplace.payments.models import Payment, PaymentSettings
from marketplace.payments.providers import after_checkout_url, checkout_choices
from tests.payments.conftest import stripe_attempt

pytestmark = pytest.mark.django_db


def test_checkout_offers_card_only_with_stripe_keys_and_khqr_transfer_only_when_set_up(settings, site_pages):
    settings.STRIPE_SECRET_KEY = settings.STRIPE_PUBLISHABLE_KEY = ""
    assert [method for method, _label in checkout_choices()] == ["cash_on_delivery", "pay_at_pickup"]
    settings.STRIPE_SECRET_KEY, settings.STRIPE_PUBLISHABLE_KEY = "sk_test_x", "pk_test_x"
    PaymentSettings.objects.update_or_create(
        site=Site.objects.get(is_default_site=True),
        defaults={"bakong_account_id": "sahakum@aclb", "bank_account_number": "123"},
    )
    assert [method for method, _label in checkout_choices()] == [
        "cash_on_delivery",
        "pay_at_pickup",
        "bank_transfer",
        "khqr",
        "stripe",
    ]


def test_checkout_form_lists_the_providers(settings, site_pages, client):
    from tests.factories.marketplace import ProductFactory

    product = ProductFactory()
    client.post("/en/market/cart/add/", {"product": product.pk, "quantity": "1"})

    def offered():
        return dict(client.get("/en/market/checkout/").context["form"].fields["payment_method"].choices)

    settings.STRIPE_SECRET_KEY = settings.STRIPE_PUBLISHABLE_KEY = ""
    assert "stripe" not in offered()
    settings.STRIPE_SECRET_KEY, settings.STRIPE_PUBLISHABLE_KEY = "sk_test_x", "pk_test_x"
    assert "stripe" in offered()


def test_after_checkout_goes_to_the_provider_page_for_online_methods(make_order):
    card = make_order(payment_method="stripe")
    assert f"/market/orders/{card.reference}/pay/card/?token={card.access_token}" in after_checkout_url(card)
    cash = make_order(payment_method="cash_on_delivery")
    assert after_checkout_url(cash) == cash.get_absolute_url()


def test_card_page_allows_stripe_js_in_its_csp_and_other_pages_do_not(make_order, stripe_settings, client):
    stripe_settings.STRIPE_JS_URL = "https://js.stripe.example/v3/"
    order = make_order(payment_method="stripe")
    response = client.get(f"/km/market/orders/{order.reference}/pay/card/?token={order.access_token}")
    assert response.status_code == 200
    csp = response["Content-Security-Policy"]
    assert "script-src 'self' https://js.stripe.example" in csp
    assert 'src="https://js.stripe.example/v3/"' in response.content.decode()
    receipt = client.get(f"/km/market/orders/{order.reference}/receipt/?token={order.access_token}")
    assert "js.stripe.example" not in receipt["Content-Security-Policy"]


def test_card_page_needs_the_token_a_card_order_and_keys(make_order, stripe_settings, client):
    order = make_order(payment_method="stripe")
    assert client.get(f"/km/market/orders/{order.reference}/pay/card/").status_code == 404
    cash = make_order(payment_method="cash_on_delivery")
    assert client.get(f"/km/market/orders/{cash.reference}/pay/card/?token={cash.access_token}").status_code == 404
    stripe_settings.STRIPE_SECRET_KEY = ""
    assert client.get(f"/km/market/orders/{order.reference}/pay/card/?token={order.access_token}").status_code == 404


def test_receipt_in_khmer_and_english_says_what_how_and_when(make_order, make_user, client):
    order = make_order(payment_method="bank_transfer", total=Decimal("15.00"))
    unpaid = client.get(f"/en/market/orders/{order.reference}/receipt/?token={order.access_token}")
    assert b"Not paid yet" in unpaid.content and b"Pay now" in unpaid.content
    services.payment_mark_paid(order=order, actor=make_user(EDITOR), reference="TRX-9")
    english = client.get(f"/en/market/orders/{order.reference}/receipt/?token={order.access_token}").content.decode()
    assert "$15.00" in english and "Bank transfer" in english and "TRX-9" in english and "Paid on" in english
    khmer = client.get(f"/km/market/orders/{order.reference}/receipt/?token={order.access_token}").content.decode()
    assert "ផ្ទេរប្រាក់តាមធនាគារ" in khmer and "បង្កាន់ដៃ" in khmer
    assert client.get(f"/en/market/orders/{order.reference}/receipt/?token=x").status_code == 404


@pytest.mark.parametrize(
    "language, greeting, other",
    [("km", "យើងបានទទួលការបង់ប្រាក់", "We received your payment"), ("en", "We received your payment", "យើង")],
)
def test_receipt_email_is_in_the_language_of_the_order(
    make_order, make_user, mailoutbox, django_capture_on_commit_callbacks, language, greeting, other
):
    """Issue 10 #10: each buyer is written to in the language she ordered in, with its links."""
    order = make_order(payment_method="khqr", language=language)
    with django_capture_on_commit_callbacks(execute=True):
        services.payment_mark_paid(order=order, actor=make_user(ADMINISTRATOR))
    body = mailoutbox[0].body
    assert greeting in body and other not in body
    assert f"/{language}/market/orders/{order.reference}/receipt/?token={order.access_token}" in body
    assert "$12.50" in body


def test_order_page_shows_pay_now_then_the_receipt(make_order, make_user, client, site_pages):
    order = make_order(payment_method="bank_transfer")
    page = client.get(order.get_absolute_url().replace("/km/", "/en/", 1))
    assert b"Pay now" in page.content
    services.payment_mark_paid(order=order, actor=make_user(EDITOR))
    page = client.get(order.get_absolute_url().replace("/km/", "/en/", 1))
    assert b"See the receipt" in page.content


def test_card_return_reports_a_failed_attempt(make_order, stripe_settings, client):
    order = make_order(payment_method="stripe")
    stripe_attempt(
        order,
        provider_reference="pi_x",
        status=Payment.Status.FAILED,
        failure_message="Your card was declined.",
    )
    response = client.get(f"/en/market/orders/{order.reference}/pay/card/return/?token={order.access_token}")
    assert response.status_code == 200
    assert b"did not go through" in response.content and b"Try again" in response.content


def test_payment_admin_listing_runs_constant_queries(make_order, make_user, client, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(make_user(ADMINISTRATOR, is_superuser=True))
    counts = []
    for size in (5, 25):
        while Payment.objects.count() < size:
            order = make_order(payment_method="cash_on_delivery")
            Payment.objects.create(order=order, provider="cash_on_delivery", amount=order.total, currency="USD")
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/admin/payments/payments/").status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


def test_demo_seed_is_idempotent_and_offers_khqr_and_transfer(site_pages):
    from marketplace.payments import demo

    demo.seed(users={}, pages=site_pages, log=lambda *args: None)
    demo.seed(users={}, pages=site_pages, log=lambda *args: None)
    assert PaymentSettings.objects.count() == Site.objects.count()
    assert {"khqr", "bank_transfer"} <= set(dict(checkout_choices()))


def test_order_emails_go_in_the_language_the_buyer_ordered_in(
    client, site_pages, mailoutbox, django_capture_on_commit_callbacks
):
    """Issue 10 #10: a buyer ordering on /en/ gets English emails with /en/ links."""
    from marketplace.models import Order
    from tests.factories.marketplace import ProductFactory

    product = ProductFactory(price=Decimal("3.00"))
    client.post("/en/market/cart/add/", {"product": product.pk, "quantity": "1"})
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/en/market/checkout/",
            {
                "buyer_name": "Dara",
                "buyer_phone": "012 345 678",
                "buyer_email": "dara@example.org",
                "delivery_method": "pickup",
                "payment_method": "pay_at_pickup",
            },
        )
    order = Order.objects.get()
    assert order.language == "en"
    buyer_mail = [message for message in mailoutbox if message.to == ["dara@example.org"]]
    assert buyer_mail and f"/en/market/orders/{order.reference}/" in buyer_mail[0].body
    assert "ការបញ្ជាទិញ" not in buyer_mail[0].subject


def test_receipt_page_and_email_show_the_riel_equivalent(
    make_order, make_user, client, site_pages, mailoutbox, django_capture_on_commit_callbacks
):
    """Issue 10 #10: like the catalog, "$15.00 (≈ 61,500 ៛)" on the receipt and in its email."""
    from cms.models import SiteSettings

    site_settings = SiteSettings.for_site(Site.objects.get(is_default_site=True))
    site_settings.khr_per_usd = Decimal("4100")
    site_settings.save()
    order = make_order(payment_method="bank_transfer", total=Decimal("15.00"), language="en")
    with django_capture_on_commit_callbacks(execute=True):
        services.payment_mark_paid(order=order, actor=make_user(ADMINISTRATOR))
    assert "$15.00 (≈ 61,500 ៛)" in mailoutbox[0].body
    receipt = client.get(order.get_receipt_url().replace("/km/", "/en/")).content.decode()
    assert "$15.00 (≈ 61,500 ៛)" in receipt
