"""A buyer pays by card in Chromium through localstripe's Stripe.js double (on 127.0.0.1)."""

from decimal import Decimal

import pytest

from marketplace.models import Order
from tests.payments.stripe_double import shared_stripe_double

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="module")
def stripe_double():
    return shared_stripe_double()


@pytest.fixture
def shop(transactional_db, settings, stripe_double):
    from accounts.demo import ensure_roles
    from cms.demo import seed_pages
    from tests.factories.marketplace import ProductFactory

    ensure_roles()
    seed_pages(log=lambda *args: None)
    stripe_double.forget_webhooks()
    settings.STRIPE_SECRET_KEY = "sk_test_sahakum"
    settings.STRIPE_PUBLISHABLE_KEY = "pk_test_sahakum"
    settings.STRIPE_WEBHOOK_SECRET = "whsec_test"
    settings.STRIPE_API_BASE = stripe_double.url
    settings.STRIPE_JS_URL = stripe_double.js_url
    return ProductFactory(price=Decimal("3.00"), stock=Decimal("50"))


def fill_card(page, number):
    element = page.locator("#card-element")
    element.locator("input[placeholder=number]").fill(number)
    element.locator("input[placeholder=exp_month]").fill("12")
    element.locator("input[placeholder=exp_year]").fill("34")
    element.locator("input[placeholder=cvc]").fill("123")
    element.locator("input[placeholder=postal_code]").fill("17000")


def checkout_by_card(live_server, page, product) -> Order:
    page.goto(f"{live_server.url}/en/market/p/{product.pk}-{product.slug}/")
    add_form = page.locator("form", has=page.get_by_role("button", name="Add to cart"))
    add_form.locator("input[name=quantity]").fill("2")
    add_form.get_by_role("button", name="Add to cart").click()
    page.goto(f"{live_server.url}/en/market/checkout/")
    page.locator("input[name=buyer_name]").fill("Sophea")
    page.locator("input[name=buyer_phone]").fill("012 345 678")
    page.locator("input[name=payment_method][value=stripe]").check()
    page.get_by_role("button", name="Place order").click()
    page.wait_for_url("**/pay/card/**")
    return Order.objects.get()


def test_card_payment_from_checkout_lands_on_a_paid_receipt(live_server, page, shop, axe_check):
    order = checkout_by_card(live_server, page, shop)
    assert order.status == Order.Status.PENDING_PAYMENT
    axe_check(page, context={"exclude": [["#card-element"]]})  # the double's inputs are not ours
    fill_card(page, "4242424242424242")
    page.get_by_role("button", name="Pay $6.00").click()
    page.wait_for_url("**/receipt/**")
    assert "Paid" in page.locator("main").inner_text()
    assert "$6.00" in page.locator("main").inner_text()
    axe_check(page)
    order.refresh_from_db()
    assert order.status == Order.Status.PAID


def test_three_d_secure_card_is_authenticated_in_the_browser(live_server, page, shop):
    order = checkout_by_card(live_server, page, shop)
    fill_card(page, "4000002500003155")
    page.get_by_role("button", name="Pay $6.00").click()
    page.get_by_role("button", name="Complete authentication").click()
    page.wait_for_url("**/receipt/**")
    assert "Paid" in page.locator("h1").inner_text() or "Receipt" in page.locator("h1").inner_text()
    order.refresh_from_db()
    assert order.status == Order.Status.PAID


def test_declined_card_shows_a_clear_message_and_the_order_stays_unpaid(live_server, page, shop):
    order = checkout_by_card(live_server, page, shop)
    fill_card(page, "4000000000000341")
    page.get_by_role("button", name="Pay $6.00").click()
    message = page.locator("#card-message")
    message.wait_for(state="visible")
    page.wait_for_function("document.getElementById('card-message').textContent.length > 0")
    assert "declined" in message.inner_text()
    assert "/pay/card/" in page.url
    order.refresh_from_db()
    assert order.status == Order.Status.PENDING_PAYMENT
    assert not order.payments.filter(status="succeeded").exists()


def test_khqr_and_bank_transfer_pages_work_without_javascript_and_pass_axe(live_server, chromium, shop, axe_check):
    from marketplace.payments import demo
    from tests.payments.conftest import create_order as new_order

    demo.seed(users={}, pages={}, log=lambda *args: None)
    context = chromium.new_context(java_script_enabled=False, viewport={"width": 390, "height": 844})
    browser_page = context.new_page()
    for method, path in (("khqr", "pay/khqr/"), ("bank_transfer", "pay/bank-transfer/")):
        order = new_order(payment_method=method, product=shop)
        browser_page.goto(f"{live_server.url}/km/market/orders/{order.reference}/{path}?token={order.access_token}")
        assert order.reference in browser_page.locator("main").inner_text()
        if method == "khqr":
            image = browser_page.locator("figure.khqr img")
            assert image.evaluate("img => img.complete && img.naturalWidth > 0")
    context.close()
    # axe needs script: check the same pages with it on.
    context = chromium.new_context(viewport={"width": 390, "height": 844})
    browser_page = context.new_page()
    order = new_order(payment_method="khqr", product=shop)
    browser_page.goto(f"{live_server.url}/km/market/orders/{order.reference}/pay/khqr/?token={order.access_token}")
    axe_check(browser_page)
    context.close()


def test_card_page_without_javascript_explains_and_offers_another_way(live_server, chromium, shop):
    """Issue 10 #10: with JavaScript off there is no Pay button that would answer raw JSON; the
    page explains, and the buyer switches to paying at pickup with the real button."""
    from tests.payments.conftest import create_order as new_order

    order = new_order(payment_method="stripe", product=shop)
    context = chromium.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server.url}/en/market/orders/{order.reference}/pay/card/?token={order.access_token}")
    assert page.get_by_role("button", name="Pay $12.50").count() == 0
    assert "needs JavaScript" in page.locator("main").inner_text()
    page.get_by_label("Pay at pickup").check()
    page.get_by_role("button", name="Change payment method").click()
    page.wait_for_url(f"**/market/orders/{order.reference}/?token=*")
    order.refresh_from_db()
    assert (order.payment_method, order.status) == ("pay_at_pickup", Order.Status.CONFIRMED)
    context.close()
