"""Payments benchmark: the Stripe webhook and the buyer's payment pages, in process (Django's
test client, no network), on a throwaway database.

    .venv/bin/python bench/payments.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sahakum_payments_bench .venv/bin/python bench/payments.py

Measures SQL queries and latency (p50/p99) per signed webhook delivery (first delivery and a
replay), per receipt/KHQR/card page, the QR image size, and the card page's weight.
Prints a Markdown table; bench/RESULTS-payments.md records runs. Not a test."""

import os
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DATABASE_URL", "sqlite:////tmp/sahakum-payments-bench.sqlite3")
os.environ["DJANGO_SETTINGS_MODULE"] = "cms.settings.dev"
os.environ["DJANGO_DEBUG"] = "0"
os.environ.setdefault("STRIPE_SECRET_KEY", "sk_test_bench")
os.environ.setdefault("STRIPE_PUBLISHABLE_KEY", "pk_test_bench")
os.environ.setdefault("STRIPE_WEBHOOK_SECRET", "whsec_bench")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

N = int(os.environ.get("BENCH_EVENTS", "300"))
settings.ALLOWED_HOSTS = ["*"]
settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))]


def measure(label, calls, rows):
    timings, queries = [], []
    for call in calls:
        connection.queries_log.clear()  # the log is a bounded deque: keep it from filling
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            response = call()
            timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code in (200, 302), (label, response.status_code)
        queries.append(len(captured))
    rows.append(
        (
            label,
            len(timings),
            f"{statistics.median(queries):.0f}",
            f"{percentile(timings, 0.5):.1f}",
            f"{percentile(timings, 0.99):.1f}",
        )
    )


def main():
    from accounts.demo import ensure_roles
    from cms.demo import seed_pages
    from marketplace.payments import demo as payments_demo
    from marketplace.payments.models import Payment
    from tests.payments.conftest import intent_event, signed

    call_command("migrate", verbosity=0)
    ensure_roles()
    pages = seed_pages(log=lambda *args: None)
    payments_demo.seed(users={}, pages=pages, log=lambda *args: None)

    from tests.factories.marketplace import ProductFactory

    product = ProductFactory()
    from marketplace.models import Fulfilment, Order

    def new_order(method):
        order = Order.objects.create(
            reference=f"B{Order.objects.count():09d}",
            buyer_name="Bench",
            buyer_phone="012345678",
            delivery_method="pickup",
            payment_method=method,
            currency="USD",
            total=Decimal("12.50"),
            status=Order.Status.PENDING_PAYMENT,
        )
        Fulfilment.objects.create(order=order, group=product.group, subtotal=order.total)
        return order

    client = Client()
    rows = []
    orders = []
    for _ in range(N):
        order = new_order("stripe")
        Payment.objects.create(
            order=order, provider="stripe", amount=order.total, currency="USD", provider_reference=f"pi_b{order.pk}"
        )
        orders.append(order)
    events = [
        signed(
            intent_event(
                f"evt_b{order.pk}",
                "payment_intent.succeeded",
                intent_id=f"pi_b{order.pk}",
                amount=1250,
                reference=order.reference,
            ),
            secret="whsec_bench",
        )
        for order in orders
    ]

    def deliver(body, signature):
        return lambda: client.post(
            "/payments/stripe/webhook/", data=body, content_type="application/json", HTTP_STRIPE_SIGNATURE=signature
        )

    measure("webhook: payment_intent.succeeded (first delivery)", [deliver(*event) for event in events], rows)
    measure("webhook: same event replayed", [deliver(*event) for event in events], rows)
    measure(
        "receipt page (paid)",
        [
            lambda order=order: client.get(f"/km/market/orders/{order.reference}/receipt/?token={order.access_token}")
            for order in orders[:100]
        ],
        rows,
    )
    khqr_orders = [new_order("khqr") for _ in range(100)]
    measure(
        "KHQR page (payload built on first view)",
        [
            lambda order=order: client.get(f"/km/market/orders/{order.reference}/pay/khqr/?token={order.access_token}")
            for order in khqr_orders
        ],
        rows,
    )
    measure(
        "KHQR image (SVG)",
        [
            lambda order=order: client.get(
                f"/km/market/orders/{order.reference}/pay/khqr/qr.svg?token={order.access_token}"
            )
            for order in khqr_orders
        ],
        rows,
    )
    card_orders = [new_order("stripe") for _ in range(100)]
    measure(
        "card page",
        [
            lambda order=order: client.get(f"/km/market/orders/{order.reference}/pay/card/?token={order.access_token}")
            for order in card_orders
        ],
        rows,
    )
    svg = client.get(
        f"/km/market/orders/{khqr_orders[0].reference}/pay/khqr/qr.svg?token={khqr_orders[0].access_token}"
    )
    card = client.get(f"/km/market/orders/{card_orders[0].reference}/pay/card/?token={card_orders[0].access_token}")
    js = (ROOT / "marketplace/payments/static/payments/card.js").stat().st_size

    print(f"database: {connection.vendor}; {N} webhook events\n")
    print("| what | n | SQL queries (median) | p50 ms | p99 ms |")
    print("| --- | --- | --- | --- | --- |")
    for row in rows:
        print("| " + " | ".join(str(cell) for cell in row) + " |")
    print(
        f"\nKHQR SVG: {len(svg.content)} bytes; card page HTML: {len(card.content)} bytes + card.js {js} bytes (+ Stripe.js from Stripe)"
    )


if __name__ == "__main__":
    main()
