"""Row locks hold under concurrency (PostgreSQL only: SQLite ignores select_for_update)."""

import threading
from decimal import Decimal

import pytest

from accounts.roles import ADMINISTRATOR
from marketplace.models import Order
from marketplace.payments import services
from marketplace.payments.exceptions import PaymentError
from marketplace.payments.models import Payment, WebhookEvent
from marketplace.payments.providers import get_provider
from tests.concurrency import run_concurrently
from tests.payments.conftest import intent_event

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def staff_user(transactional_db):
    """The database is flushed in these tests: roles come back, their migrated permissions do
    not, so staff here are superusers."""
    from accounts.demo import ensure_roles
    from tests.factories.accounts import UserFactory

    ensure_roles()
    return lambda: UserFactory(roles=[ADMINISTRATOR], is_superuser=True)


def run_together(target, count):
    """(results, errors) of `target()` run by `count` threads at once."""
    outcomes = run_concurrently(count, lambda index: target())
    failed = [outcome for outcome in outcomes if isinstance(outcome, Exception)]
    return [outcome for outcome in outcomes if not isinstance(outcome, Exception)], failed


def test_the_same_stripe_event_delivered_at_once_applies_once(make_order):
    order = make_order(payment_method="stripe", total=Decimal("12.50"))
    Payment.objects.create(
        order=order, provider="stripe", amount=order.total, currency="USD", provider_reference="pi_c"
    )
    event = intent_event("evt_c", "payment_intent.succeeded", intent_id="pi_c", amount=1250, reference=order.reference)
    results, errors = run_together(lambda: get_provider("stripe").process_event(event), 6)
    assert not errors
    assert sorted(new for _event, new in results) == [False] * 5 + [True]
    assert WebhookEvent.objects.count() == 1
    order.refresh_from_db()
    assert order.status == Order.Status.PAID


def test_two_people_recording_the_same_cash_at_once_record_it_once(make_order, staff_user):
    order = make_order(payment_method="cash_on_delivery")
    staff = [staff_user() for _ in range(4)]
    actors = iter(staff)
    lock = threading.Lock()

    def record():
        with lock:
            actor = next(actors)
        return services.payment_mark_paid(order=order, actor=actor)

    results, errors = run_together(record, 4)
    assert len(results) == 1
    assert len(errors) == 3 and all(isinstance(error, PaymentError) for error in errors)
    assert Payment.objects.filter(order=order).count() == 1


def test_concurrent_refunds_never_exceed_the_payment(make_order, staff_user):
    order = make_order(payment_method="bank_transfer", total=Decimal("10.00"))
    admin = staff_user()
    payment = services.payment_mark_paid(order=order, actor=admin)
    results, errors = run_together(
        lambda: services.payment_refund(payment=payment, amount=Decimal("6.00"), actor=admin), 3
    )
    assert len(results) == 1 and len(errors) == 2
    payment.refresh_from_db()
    assert payment.amount_refunded == Decimal("6.00")


def test_twenty_concurrent_webhook_replays_make_one_event_and_one_payment(make_order, stripe_settings):
    """Issue 11 #4: one signed Stripe event delivered 20 times at once, through the view."""
    from django.test import Client

    from tests.payments.conftest import signed

    order = make_order(payment_method="stripe", total=Decimal("12.50"))
    Payment.objects.create(
        order=order, provider="stripe", amount=order.total, currency="USD", provider_reference="pi_20"
    )
    event = intent_event(
        "evt_20", "payment_intent.succeeded", intent_id="pi_20", amount=1250, reference=order.reference
    )
    body, signature = signed(event)

    def deliver():
        return (
            Client()
            .post(
                "/payments/stripe/webhook/", data=body, content_type="application/json", HTTP_STRIPE_SIGNATURE=signature
            )
            .status_code
        )

    results, errors = run_together(deliver, 20)
    assert not errors and results == [200] * 20
    assert WebhookEvent.objects.filter(event_id="evt_20").count() == 1
    assert Payment.objects.filter(order=order).count() == 1
    assert Payment.objects.get(order=order).status == Payment.Status.SUCCEEDED
    order.refresh_from_db()
    assert order.status == Order.Status.PAID
