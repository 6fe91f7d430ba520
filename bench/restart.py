"""Restart the app server under load: no confirmed order is lost, stock balances.

Buyers (threads, 127.0.0.1 only) place checkout after checkout against gunicorn with the
production settings while the script (1) reloads the workers gracefully (SIGHUP) and (2) stops
the whole server (SIGTERM, graceful) and starts a new one on the same port. A buyer whose
connection is refused retries after a short pause. Afterwards, in the database:

- every order a buyer saw confirmed (a 302 to its order page) exists, with its line;
- the stock plus what the open orders hold equals the stock we started with;
- orders in the database that no buyer saw confirmed (answer lost in the restart) are counted.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sahakum_security_restart .venv/bin/python bench/restart.py

Bounded: BENCH_BUYERS threads (default 6), BENCH_SECONDS of load (default 30), one product with
BENCH_STOCK units (default 5000). The database is created if missing and emptied first.
Prints a Markdown section; bench/RESULTS.md records runs. Not a test."""

from __future__ import annotations

import http.client
import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.parse
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DATABASE_URL = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/sahakum_security_restart")
BUYERS = int(os.environ.get("BENCH_BUYERS", "6"))
SECONDS = float(os.environ.get("BENCH_SECONDS", "30"))
STOCK = Decimal(os.environ.get("BENCH_STOCK", "5000"))
HOST = "127.0.0.1"
SERVER_ENV = {
    "DATABASE_URL": DATABASE_URL,
    "DJANGO_SETTINGS_MODULE": "cms.settings.production",
    "SECRET_KEY": "bench-only-secret-key-not-for-production-0123456789",
    "ALLOWED_HOSTS": "127.0.0.1,localhost",
    "SECURE_SSL_REDIRECT": "0",
    "DJANGO_DEBUG": "0",
    "RATELIMIT_WRITES": "",  # one address plays every buyer here
    "DB_CONN_MAX_AGE": "60",
    # production refuses to start without these (docs/deployment.md)
    "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/14"),
    "WAGTAILADMIN_BASE_URL": "http://127.0.0.1",
    "DEFAULT_FROM_EMAIL": "Sahakum bench <bench@127.0.0.1>",
    "SAHAKUM_ENV_FILE": "",
    "LOG_LEVEL": "WARNING",
}


def prepare_database() -> int:
    """Create/empty the database, migrate, add the pages and one product. Returns its id."""
    if DATABASE_URL.startswith("postgres"):
        import psycopg

        parts = urllib.parse.urlsplit(DATABASE_URL)
        name = parts.path.lstrip("/")
        admin = parts._replace(path="/postgres").geturl()
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}"')  # nosec B608  # bench only, our own name
            connection.execute(f'CREATE DATABASE "{name}"')  # nosec B608
    os.environ.update(SERVER_ENV)
    os.environ["DJANGO_SETTINGS_MODULE"] = "cms.settings.dev"
    os.environ["DJANGO_DEBUG"] = "1"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from cms.demo import seed_pages
    from tests.factories.marketplace import ProductFactory

    seed_pages(log=lambda *args: None)
    subprocess.run(  # nosec B603  # production static files (manifest) for the server
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env={**os.environ, **SERVER_ENV},
        check=True,
        timeout=300,
    )
    product = ProductFactory(unit="piece", stock=STOCK, price=Decimal("1.00"), minimum_order=Decimal("1"))
    return product.pk


class Server:
    def __init__(self, port: int):
        self.port = port
        self.process = None

    def start(self) -> None:
        env = {**os.environ, **SERVER_ENV}
        self.process = subprocess.Popen(  # nosec B603  # fixed command, loopback only
            [
                sys.executable,
                "-m",
                "gunicorn",
                "cms.wsgi",
                "--bind",
                f"{HOST}:{self.port}",
                "--workers",
                "2",
                "--graceful-timeout",
                "20",
                "--log-level",
                "warning",
            ],  # fmt: skip
            cwd=ROOT,
            env=env,
        )
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                connection = http.client.HTTPConnection(HOST, self.port, timeout=2)
                connection.request("GET", "/healthz")
                if connection.getresponse().status == 200:
                    return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("gunicorn did not start")

    def reload(self) -> None:
        self.process.send_signal(signal.SIGHUP)

    def stop(self) -> float:
        started = time.perf_counter()
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=60)
        return time.perf_counter() - started


class Buyer:
    """A browser without the Secure-cookie rule (the bench speaks plain HTTP to 127.0.0.1)."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, data: dict | None = None):
        connection = http.client.HTTPConnection(HOST, self.port, timeout=30)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if data is not None:
            body = urllib.parse.urlencode(data)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        content = response.read().decode("utf-8", "replace")
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        return response.status, response.getheader("Location") or "", content

    def token(self, html: str) -> str:
        match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
        return match.group(1) if match else ""


def buy(buyer: Buyer, product_id: int) -> str | None:
    """One checkout. The order reference when confirmed; None if refused."""
    _status, _location, page = buyer.request("GET", f"/km/market/p/{product_id}/")
    buyer.request(
        "POST", "/km/market/cart/add/", {"csrfmiddlewaretoken": buyer.token(page), "product": product_id, "quantity": 1}
    )
    _status, _location, page = buyer.request("GET", "/km/market/checkout/")
    status, location, _body = buyer.request(
        "POST",
        "/km/market/checkout/",
        {
            "csrfmiddlewaretoken": buyer.token(page),
            "buyer_name": "Bench Buyer",
            "buyer_phone": "012345678",
            "delivery_method": "pickup",
            "payment_method": "pay_at_pickup",
        },
    )
    match = re.search(r"/market/orders/([^/]+)/", location) if status == 302 else None
    return match.group(1) if match else None


def main() -> None:
    assert HOST == "127.0.0.1"
    product_id = prepare_database()
    from bench.harness import free_port

    port = free_port()
    server = Server(port)
    server.start()
    confirmed: list[str] = []
    counts = {"attempts": 0, "refused": 0, "connection_errors": 0}
    lock = threading.Lock()
    deadline = time.perf_counter() + SECONDS

    def shopper():
        buyer = Buyer(port)
        while time.perf_counter() < deadline:
            try:
                reference = buy(buyer, product_id)
            except (OSError, http.client.HTTPException):
                with lock:
                    counts["connection_errors"] += 1
                time.sleep(0.2)
                continue
            with lock:
                counts["attempts"] += 1
                if reference:
                    confirmed.append(reference)
                else:
                    counts["refused"] += 1

    threads = [threading.Thread(target=shopper) for _ in range(BUYERS)]
    for thread in threads:
        thread.start()
    time.sleep(SECONDS / 3)
    server.reload()  # graceful worker restart
    time.sleep(SECONDS / 3)
    stop_seconds = server.stop()  # whole server down...
    down_started = time.perf_counter()
    server.start()  # ...and up again on the same port
    downtime = time.perf_counter() - down_started + stop_seconds
    for thread in threads:
        thread.join()
    server.stop()

    from django.db.models import Sum

    from marketplace.models import Order, OrderLine, Product

    stored = set(Order.objects.values_list("reference", flat=True))
    missing = [reference for reference in confirmed if reference not in stored]
    product = Product.objects.get(pk=product_id)
    held = (
        OrderLine.objects.filter(product=product)
        .exclude(order__status=Order.Status.CANCELLED)
        .aggregate(q=Sum("quantity"))["q"]
        or 0
    )
    balanced = product.stock + held == STOCK
    print(
        f"## Restart under load ({time.strftime('%Y-%m-%d')}, {DATABASE_URL.split(':')[0]}, {BUYERS} buyers, {SECONDS:.0f} s)"
    )
    print()
    print("| figure | value |")
    print("| --- | --- |")
    print(f"| checkouts answered | {counts['attempts']} |")
    print(f"| orders confirmed to a buyer (302 to the order) | {len(confirmed)} |")
    print(f"| confirmed orders missing from the database | {len(missing)} |")
    print(
        f"| orders stored but not confirmed to a buyer (answer lost in the restart) | {len(stored - set(confirmed))} |"
    )
    print(f"| checkouts refused (form shown again) | {counts['refused']} |")
    print(f"| connection errors during restarts (retried) | {counts['connection_errors']} |")
    print(f"| stop + start of the server | {downtime:.1f} s |")
    print(
        f"| stock {STOCK} = left {product.stock} + held by orders {held} | {'balances' if balanced else 'DOES NOT BALANCE'} |"
    )
    if missing or not balanced:
        sys.exit(1)


if __name__ == "__main__":
    main()
