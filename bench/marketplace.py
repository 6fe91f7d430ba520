"""Marketplace benchmark: seed 10,000 published products (with shared photos), count the SQL
queries per catalog page, then measure requests/s and p50/p99 latency of the catalog under
gunicorn on 127.0.0.1.

    .venv/bin/python bench/marketplace.py                       # SQLite file in /tmp
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sahakum_marketplace .venv/bin/python bench/marketplace.py

Options via environment: BENCH_SECONDS (default 15 per URL), BENCH_CONCURRENCY (default 8),
GUNICORN_WORKERS (default 2). Prints a Markdown table; bench/RESULTS-marketplace.md records runs.
Not a test: timings belong here, never in the test suite."""

import os
import signal
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DATABASE_URL", "sqlite:////tmp/sahakum-market-bench.sqlite3")
os.environ.setdefault("MEDIA_ROOT", "/tmp/sahakum-market-bench-media")
os.environ["DJANGO_SETTINGS_MODULE"] = "cms.settings.dev"
os.environ["DJANGO_DEBUG"] = "0"

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

PRODUCTS = 10_000
PHOTOS = 40
SECONDS = float(os.environ.get("BENCH_SECONDS", "15"))
CONCURRENCY = int(os.environ.get("BENCH_CONCURRENCY", "8"))
WORKERS = int(os.environ.get("GUNICORN_WORKERS", "2"))
PORT = int(os.environ.get("BENCH_PORT", "8765"))


def seed() -> None:
    from accounts.demo import ensure_roles
    from cms.demo import seed_pages
    from marketplace.models import Category, Product, ProductPhoto
    from networks.models import Group, Member
    from tests.factories.marketplace import ImageFactory
    from tests.factories.networks import GroupFactory, MemberFactory, MembershipFactory

    call_command("migrate", verbosity=0)
    ensure_roles()
    seed_pages(log=lambda *args: None)
    if Product.objects.count() >= PRODUCTS:
        return
    categories = [
        Category.objects.get_or_create(
            slug=f"bench-{n}", defaults={"name_km": f"ប្រភេទ{n}", "name_en": f"Category {n}"}
        )[0]
        for n in range(8)
    ]
    groups = list(Group.objects.filter(network__slug="producer-group")[:26]) or [GroupFactory() for _ in range(26)]
    producers = []
    for group in groups:
        member = Member.objects.filter(memberships__group=group).first()
        if member is None:
            member = MemberFactory()
            MembershipFactory(member=member, group=group)
        producers.append(member)
    images = [ImageFactory() for _ in range(PHOTOS)]
    words = ["ម្រេចកំពតសរីរាង្គ", "អង្ករផ្កាម្លិះ", "ស្វាយកែវរមៀត", "ក្រមាតម្បាញដៃ", "ស្ករត្នោត", "ត្រកួន"]
    english = ["Kampot pepper", "Jasmine rice", "Mango", "Krama", "Palm sugar", "Morning glory"]
    batch = []
    for index in range(Product.objects.count(), PRODUCTS):
        group_index = index % len(groups)
        product = Product(
            producer=producers[group_index],
            group=groups[group_index],
            category=categories[index % len(categories)],
            title_km=f"{words[index % len(words)]} {index}",
            title_en=f"{english[index % len(english)]} {index}",
            description_en="Benchmark product",
            unit="kg",
            price=Decimal(1 + index % 50) + Decimal("0.25"),
            stock=Decimal(index % 40),
            status="published",
        )
        product.search_text = product.build_search_text()
        batch.append(product)
    Product.objects.bulk_create(batch, batch_size=1000)
    photos = [
        ProductPhoto(product_id=pk, image=images[n % PHOTOS], sort_order=0)
        for n, pk in enumerate(Product.objects.filter(photos__isnull=True).values_list("pk", flat=True))
    ]
    ProductPhoto.objects.bulk_create(photos, batch_size=1000)


URLS = {
    "catalog, page 1 (24 cards)": "/km/market/",
    "catalog, 100 per page": "/km/market/?per_page=100",
    "catalog, page 200": "/km/market/?page=200",
    "catalog, filtered + sorted": "/km/market/?category={category}&in_stock=on&price_min=5&price_max=30&sort=price",
    "catalog, Khmer keyword": "/km/market/?q=កំពត",
    "product page": "/km/market/p/{product}-x/",
}


def resolve_urls() -> dict[str, str]:
    from marketplace.models import Category, Product

    values = {
        "category": Category.objects.filter(slug="bench-3").values_list("pk", flat=True).first() or "",
        "product": Product.objects.order_by("-pk").values_list("pk", flat=True).first(),
    }
    return {name: url.format(**values) for name, url in URLS.items()}


def count_queries(urls) -> dict[str, tuple[int, float]]:
    """SQL queries per page, and the median time to serve it in-process (no HTTP, one client)."""
    client = Client(HTTP_HOST="127.0.0.1")
    results = {}
    for name, url in urls.items():
        client.get(url)  # warm renditions
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        queries = len(captured.captured_queries)  # read now: the next request resets the log
        timings = []
        for _ in range(7):
            started = time.perf_counter()
            client.get(url)
            timings.append((time.perf_counter() - started) * 1000)
        results[name] = (queries, statistics.median(timings))
    return results


def load(url: str) -> tuple[float, float, float, int]:
    latencies: list[float] = []
    errors = 0
    stop = time.monotonic() + SECONDS
    lock = threading.Lock()
    quoted = urllib.parse.quote(url, safe="/?=&-")

    def worker():
        nonlocal errors
        while time.monotonic() < stop:
            started = time.perf_counter()
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{PORT}{quoted}", timeout=30) as response:
                    response.read()
                    ok = response.status == 200
            except Exception:  # noqa: BLE001 — counted as an error
                ok = False
            elapsed = time.perf_counter() - started
            with lock:
                if ok:
                    latencies.append(elapsed)
                else:
                    errors += 1

    threads = [threading.Thread(target=worker) for _ in range(CONCURRENCY)]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    duration = time.monotonic() - began
    latencies.sort()
    p50 = statistics.median(latencies) * 1000 if latencies else 0
    p99 = latencies[int(len(latencies) * 0.99) - 1] * 1000 if latencies else 0
    return len(latencies) / duration, p50, p99, errors


def page_weight(url: str) -> int:
    with urllib.request.urlopen(f"http://127.0.0.1:{PORT}{urllib.parse.quote(url, safe='/?=&-')}") as response:
        return len(response.read())


def main() -> None:
    started = time.perf_counter()
    seed()
    seeded = time.perf_counter() - started
    urls = resolve_urls()
    counts = count_queries(urls)
    connection.close()
    env = {**os.environ}
    server = subprocess.Popen(
        [
            str(ROOT / ".venv/bin/gunicorn"),
            "cms.wsgi:application",
            "-b",
            f"127.0.0.1:{PORT}",
            "-w",
            str(WORKERS),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        for _ in range(50):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{PORT}/healthz", timeout=2)
                break
            except Exception:  # noqa: BLE001
                time.sleep(0.3)
        rows = []
        load_before = f"{os.getloadavg()[0]:.2f}"
        for name, url in urls.items():
            rps, p50, p99, errors = load(url)
            rows.append((name, *counts[name], rps, p50, p99, errors, page_weight(url)))
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    print(f"\nLoad average before/after: {load_before} / {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
    print(
        f"\nDatabase: {connection.vendor}; {PRODUCTS} products; seeded in {seeded:.1f} s; gunicorn {WORKERS} workers, "
        f"{CONCURRENCY} concurrent clients, {SECONDS:.0f} s per URL\n"
    )
    print("| page | SQL queries | in-process ms | requests/s | p50 ms | p99 ms | errors | HTML bytes |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for name, queries, serve_ms, rps, p50, p99, errors, weight in rows:
        print(f"| {name} | {queries} | {serve_ms:.0f} | {rps:.1f} | {p50:.0f} | {p99:.0f} | {errors} | {weight:,} |")


if __name__ == "__main__":
    main()
