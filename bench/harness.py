"""Shared benchmark tools: SQL queries per page, page weight, and requests/s with p50/p99
latency under gunicorn on 127.0.0.1. Benchmarks are not tests: they print and record figures.

Every load loop is bounded in requests and time and targets 127.0.0.1 only."""

from __future__ import annotations

import os
import re
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


def setup_django(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.dev")
    os.environ.setdefault("DJANGO_DEBUG", "1")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def queries_for(client, url: str) -> tuple[int, int]:
    """(status code, number of SQL queries) for one GET through the Django test client."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, HTTP_HOST="127.0.0.1")
    return response.status_code, len(captured)


def client_fetch(client):
    """A fetch(path) -> bytes that goes through the Django test client (dev settings serve
    /static/ and /media/ there; gunicorn's production settings leave media to object storage)."""

    def fetch(path: str) -> bytes:
        response = client.get(path, HTTP_HOST="127.0.0.1")
        if response.status_code != 200:
            raise RuntimeError(f"{path}: HTTP {response.status_code}")
        if response.streaming:
            return b"".join(response.streaming_content)
        return response.content

    return fetch


def page_weight(fetch, path: str) -> dict[str, int]:
    """Bytes of the HTML and of the same-origin CSS, JS, fonts and images it references (what a
    first visit downloads, uncompressed; lazy images counted as if all were shown)."""
    html = fetch(path)
    text = html.decode("utf-8", "replace")
    assets = set(re.findall(r'(?:src|href)="(/(?:static|media)/[^"]+)"', text))
    css_bytes = js_bytes = font_bytes = image_bytes = 0
    for asset in sorted(assets):
        if asset.endswith(".woff2"):
            continue  # counted below, from the stylesheet
        body = fetch(asset)
        if asset.endswith(".css"):
            css_bytes += len(body)
            for font in set(re.findall(r'url\("?\.\./fonts/([^")]+)"?\)', body.decode())):
                # Only the Khmer and Latin faces a page uses are fetched; count the regular weight.
                if "-400-" in font:
                    font_bytes += len(fetch(f"/static/fonts/{font}"))
        elif asset.endswith(".js"):
            js_bytes += len(body)
        else:
            image_bytes += len(body)
    return {
        "html": len(html),
        "css": css_bytes,
        "js": js_bytes,
        "fonts": font_bytes,
        "images": image_bytes,
        "total": len(html) + css_bytes + js_bytes + font_bytes + image_bytes,
    }


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Gunicorn:
    """gunicorn serving the project with the production settings on 127.0.0.1 (only)."""

    def __init__(
        self,
        database_url: str | None = None,
        workers: int = 2,
        *,
        extra_env: dict[str, str] | None = None,
        collectstatic: bool = True,
    ):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "cms.settings.production",
            "SECRET_KEY": "bench-only-secret-key-not-for-production-0123456789",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SECURE_SSL_REDIRECT": "0",
            "DJANGO_DEBUG": "0",
            # Production refuses to start without these (cms/settings/production.py).
            "REDIS_URL": os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14"),
            "WAGTAILADMIN_BASE_URL": "http://127.0.0.1",
            "DEFAULT_FROM_EMAIL": "Sahakum bench <bench@127.0.0.1>",
            "SAHAKUM_ENV_FILE": "",
            **({"DATABASE_URL": database_url} if database_url else {}),
            **(extra_env or {}),
        }
        if collectstatic:
            subprocess.run(
                [PYTHON, "manage.py", "collectstatic", "--noinput", "-v0"],
                cwd=ROOT,
                env=self.env,
                check=True,
                timeout=300,
            )
        self.process = subprocess.Popen(
            [PYTHON, "-m", "gunicorn", "cms.wsgi", "--bind", f"127.0.0.1:{self.port}"]
            + ["--workers", str(workers), "--log-level", "warning"],
            cwd=ROOT,
            env=self.env,
        )
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                urllib.request.urlopen(self.url + "/healthz", timeout=2)
                return
            except OSError:
                time.sleep(0.3)
        self.stop()
        raise RuntimeError("gunicorn did not start")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def load(url: str, *, requests: int = 300, concurrency: int = 4, max_seconds: float = 60) -> dict[str, float]:
    """Bounded load: at most `requests` GETs (and at most `max_seconds`) from `concurrency`
    threads against one 127.0.0.1 URL. Returns requests/s and p50/p99 latency in ms."""
    assert url.startswith("http://127.0.0.1:"), "benchmarks only target this machine"
    latencies: list[float] = []
    errors = 0
    started = time.perf_counter()
    deadline = started + max_seconds

    def one(_index: int) -> None:
        nonlocal errors
        if time.perf_counter() > deadline:
            return
        t0 = time.perf_counter()
        try:
            with urllib.request.urlopen(url, timeout=30) as response:
                response.read()
            latencies.append(time.perf_counter() - t0)
        except OSError:
            errors += 1

    # Warm up (caches, renditions) before measuring.
    for _ in range(3):
        urllib.request.urlopen(url, timeout=60).read()
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        list(pool.map(one, range(requests)))
    elapsed = time.perf_counter() - started
    latencies.sort()
    return {
        "requests": len(latencies),
        "errors": errors,
        "rps": len(latencies) / elapsed if elapsed else 0.0,
        "p50_ms": statistics.median(latencies) * 1000 if latencies else 0.0,
        "p99_ms": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000 if latencies else 0.0,
    }
