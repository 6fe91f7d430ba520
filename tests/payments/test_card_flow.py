"""Issue 10 #10: card payments tried as a buyer would (the real `stripe` library against
localstripe on 127.0.0.1), and the refunds that follow."""

from decimal import Decimal

import pytest
from django.utils import timezone, translation

from accounts.roles import ADMINISTRATOR
from marketplace.models import Order
from marketplace.payments import services
from marketplace.payments.exceptions import PaymentError
from marketplace.payments.models import Payment, WebhookEvent
from marketplace.payments.providers import get_provider
from marketplace.payments.providers.stripe import IntentState, StripeError
from tests.payments.conftest import card_pay, card_token, intent_at_stripe, intent_event, stripe_attempt
from tests.payments.test_stripe_localstripe import THREE_D_SECURE, VISA, authenticate

pytestmark = pytest.mark.django_db


def test_authenticated_earlier_attempt_is_settled_not_charged_again(localstripe, make_order):
    """3-D Secure completed at Stripe, the return page never loaded, the buyer pays again with
    another card: the earlier attempt is read from Stripe first and settles the order; no
    second PaymentIntent is created."""
    order = make_order(payment_method="stripe", total=Decimal("15.00"))
    first = card_pay(order, card_token(localstripe, THREE_D_SECURE))
    assert first.status == "requires_action"
    authenticate(localstripe, first.client_secret)  # succeeded at Stripe; we were never told
    again = card_pay(order, card_token(localstripe, VISA))
    assert again.status == "succeeded" and again.payment.pk == first.payment.pk
    assert order.payments.count() == 1
    order.refresh_from_db()
    assert order.status == Order.Status.PAID


def test_earlier_attempt_stripe_will_not_cancel_stays_open_and_blocks_a_new_charge(make_order, stripe_settings):
    """Stripe refuses to cancel an attempt that may still succeed: we do not pretend it is
    cancelled, and no new charge starts."""
    order = make_order(payment_method="stripe", total=Decimal("15.00"))
    earlier = stripe_attempt(
        order,
        provider_reference="pi_stuck",
        status=Payment.Status.REQUIRES_ACTION,
    )

    class Refusing:
        created = []

        def retrieve_payment_intent(self, intent_id):
            return IntentState(id=intent_id, status="processing", amount=1500, currency="USD", client_secret="")

        def cancel_payment_intent(self, intent_id):
            raise StripeError("This PaymentIntent's status is processing; it cannot be canceled.")

        def payment_method_from_token(self, **kwargs):
            self.created.append(kwargs)
            raise AssertionError("no new charge may start")

    provider = get_provider("stripe")
    original = provider.client
    provider.client = lambda: Refusing()
    try:
        with translation.override("en"):
            outcome = card_pay(order, "tok_visa")
    finally:
        provider.client = original
    assert outcome.status == "failed" and "still being processed" in str(outcome.message)
    earlier.refresh_from_db()
    assert earlier.status == Payment.Status.REQUIRES_ACTION
    assert order.payments.count() == 1 and not Refusing.created


def test_second_success_on_a_paid_order_is_flagged_and_refunded_and_the_order_stays_paid(localstripe, make_order):
    """Two tabs, two cards: the second PaymentIntent succeeds after the order is paid. Staff see
    it flagged, the money goes back at once, and the order stays paid (captured minus refunded
    is still the order total)."""
    order = make_order(payment_method="stripe", total=Decimal("15.00"))
    assert card_pay(order, card_token(localstripe, VISA)).status == "succeeded"
    # The other tab's attempt, created and confirmed straight at Stripe.
    client, duplicate, intent = intent_at_stripe(localstripe, order, number=VISA, key_prefix="test-dup")
    assert client.confirm_payment_intent(intent.id).status == "succeeded"
    event = intent_event(
        f"evt_dup_{duplicate.pk}",
        "payment_intent.succeeded",
        intent_id=intent.id,
        amount=1500,
        reference=order.reference,
    )
    stored, new = get_provider("stripe").process_event(event)
    assert new and stored.outcome == WebhookEvent.Outcome.FLAGGED and stored.needs_staff
    duplicate.refresh_from_db()
    assert duplicate.status == Payment.Status.REFUNDED and duplicate.amount_refunded == Decimal("15.00")
    assert duplicate.refunds.get().provider_reference.startswith("re_")
    order.refresh_from_db()
    assert order.status == Order.Status.PAID


def test_refunding_one_of_two_payments_does_not_refund_the_order(make_order, make_user):
    """An order is refunded only when captured minus refunded reaches zero."""
    order = make_order(payment_method="bank_transfer", total=Decimal("15.00"))
    admin = make_user(ADMINISTRATOR)
    services.payment_mark_paid(order=order, actor=admin)
    extra = Payment.objects.create(
        order=order,
        provider="bank_transfer",
        amount=Decimal("15.00"),
        currency="USD",
        status=Payment.Status.SUCCEEDED,
        paid_at=timezone.now(),
    )
    services.payment_refund(payment=extra, amount=Decimal("15.00"), actor=admin)
    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    services.payment_refund(payment=order.payments.exclude(pk=extra.pk).get(), amount=Decimal("15"), actor=admin)
    order.refresh_from_db()
    assert order.status == Order.Status.REFUNDED


def test_refund_emails_state_the_amount_and_the_receipt_shows_it(
    make_order, make_user, client, mailoutbox, django_capture_on_commit_callbacks
):
    order = make_order(payment_method="bank_transfer", total=Decimal("20.00"), language="en")
    admin = make_user(ADMINISTRATOR)
    services.payment_mark_paid(order=order, actor=admin)
    payment = order.payments.get()
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.payment_refund(payment=payment, amount=Decimal("5"), actor=admin)
    assert len(mailoutbox) == 1
    body = mailoutbox[0].body
    assert "We refunded $5.00" in body and "partial refund" in body and "$15.00" in body
    receipt = client.get(order.get_receipt_url().replace("/km/", "/en/")).content.decode()
    assert "Paid — thank you!" not in receipt and "part of the payment was refunded" in receipt
    assert "$5.00" in receipt and "$15.00" in receipt
    with django_capture_on_commit_callbacks(execute=True):
        services.payment_refund(payment=payment, amount=Decimal("15"), actor=admin)
    body = mailoutbox[-1].body
    assert "We refunded $15.00" in body and "refunded in full" in body
    receipt = client.get(order.get_receipt_url().replace("/km/", "/en/")).content.decode()
    assert "refunded in full" in receipt and "Paid — thank you!" not in receipt


def test_without_javascript_the_card_page_has_no_working_pay_button(make_order, stripe_settings, client):
    order = make_order(payment_method="stripe")
    page = client.get(order.token_url("payments:card").replace("/km/", "/en/")).content.decode()
    form = page[page.index('<form id="card-form"') :]
    assert " hidden\n" in form[: form.index(">")]  # shown by card.js only
    assert "<noscript>" in page and "choose another way to pay" in page
    # A plain form post (no script, so no JSON wanted) gets the card page back, not raw JSON.
    response = client.post(order.token_url("payments:card_pay").replace("/km/", "/en/"), {"token": "tok_x"})
    assert response.status_code == 302 and "/pay/card/" in response["Location"]
    assert not order.payments.exists()


def test_buyer_changes_the_method_after_a_declined_card(make_order, stripe_settings, client):
    order = make_order(payment_method="stripe")
    stripe_attempt(
        order,
        provider_reference="pi_declined",
        status=Payment.Status.FAILED,
        failure_message="Your card was declined.",
    )
    page = client.get(order.token_url("payments:card_return").replace("/km/", "/en/")).content.decode()
    assert "Pay another way" in page and 'value="pay_at_pickup"' in page
    response = client.post(order.token_url("payments:change_method"), {"method": "pay_at_pickup"})
    assert response.status_code == 302
    order.refresh_from_db()
    assert (order.payment_method, order.status, order.expires_at) == ("pay_at_pickup", "confirmed", None)
    # Only an unpaid order waiting for payment may change; a made-up method is refused.
    response = client.post(order.token_url("payments:change_method"), {"method": "stripe"})
    order.refresh_from_db()
    assert order.payment_method == "pay_at_pickup"
    assert client.post(order.token_url("payments:change_method").replace("token=", "token=x")).status_code == 404


def test_method_cannot_change_while_a_card_attempt_may_still_succeed(make_order, stripe_settings, monkeypatch):
    order = make_order(payment_method="stripe")
    stripe_attempt(
        order,
        provider_reference="pi_open",
        status=Payment.Status.REQUIRES_ACTION,
    )
    monkeypatch.setattr(get_provider("stripe"), "check", lambda *, payment: payment)  # Stripe unreachable
    with pytest.raises(PaymentError):
        services.payment_method_change(order=order, method="pay_at_pickup")
    order.refresh_from_db()
    assert order.payment_method == "stripe"


def test_a_second_tab_while_the_first_is_paying_gets_no_error_and_no_wrong_retry(make_order, stripe_settings, client):
    """Two tabs at once: the second finds the first tab's attempt under way; it is told to wait
    (409 with a message), not given a 500; once the order is paid it is sent to the receipt."""
    order = make_order(payment_method="stripe")
    claim = stripe_attempt(order)
    url = order.token_url("payments:card_pay").replace("/km/", "/en/")
    response = client.post(url, {"token": "tok_visa"}, HTTP_ACCEPT="application/json")
    assert response.status_code == 409 and "under way" in response.json()["message"]
    claim.mark_succeeded(when=timezone.now())
    claim.save()
    Order.objects.filter(pk=order.pk).update(status="paid", paid_at=timezone.now())
    response = client.post(url, {"token": "tok_visa"}, HTTP_ACCEPT="application/json")
    assert response.status_code == 200 and response.json()["status"] == "succeeded"


def test_stripe_errors_are_not_shown_raw_on_khmer_pages(make_order, stripe_settings, client):
    order = make_order(payment_method="stripe")
    stripe_attempt(
        order,
        provider_reference="pi_3ds",
        status=Payment.Status.FAILED,
        failure_message="The provided PaymentMethod has failed authentication.",
    )
    khmer = client.get(order.token_url("payments:card_return").replace("/en/", "/km/")).content.decode()
    assert "failed authentication" not in khmer
    with translation.override("km"):
        from marketplace.payments.providers.stripe import explain_failure

        expected = explain_failure("The provided PaymentMethod has failed authentication.")
    assert expected in khmer and expected != "The card's security check (3-D Secure) failed."
    Payment.objects.filter(order=order).update(failure_message="Bad request")
    khmer = client.get(order.token_url("payments:card_return").replace("/en/", "/km/")).content.decode()
    assert "Bad request" not in khmer


def test_card_page_shows_the_riel_equivalent_and_gives_stripe_js_the_locale(
    make_order, stripe_settings, client, site_pages
):
    from wagtail.models import Site

    from cms.models import SiteSettings

    site_settings = SiteSettings.for_site(Site.objects.get(is_default_site=True))
    site_settings.khr_per_usd = Decimal("4100")
    site_settings.save()
    order = make_order(payment_method="stripe", total=Decimal("15.00"))
    english = client.get(order.token_url("payments:card").replace("/km/", "/en/")).content.decode()
    assert "$15.00 (≈ 61,500 ៛)" in english and 'data-locale="en"' in english
    khmer = client.get(order.token_url("payments:card").replace("/en/", "/km/")).content.decode()
    assert "61,500 ៛" in khmer and 'data-locale="auto"' in khmer


def test_localstripe_webhooks_follow_the_sites_port(monkeypatch):
    """Issue 10 #10 (README): the demo's webhook URL follows PORT instead of a fixed 8000."""
    from marketplace.payments.management.commands.payments_localstripe import Command

    monkeypatch.setenv("PORT", "8123")
    options = Command().create_parser("manage.py", "payments_localstripe").parse_args([])
    assert options.webhook_url == "http://127.0.0.1:8123/payments/stripe/webhook/"
