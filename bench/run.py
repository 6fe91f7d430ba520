"""Run the benchmarks and rewrite bench/RESULTS.md.

Usage: .venv/bin/python bench/run.py   (or `make bench`)

Builds a throwaway SQLite database under bench/out/ (or uses BENCH_DATABASE_URL, e.g. a
PostgreSQL database), migrates, seeds the demo, lets each app's bench module add its volume
data, then records SQL queries per page, page weight, and requests/s with p50/p99 latency
under gunicorn on 127.0.0.1."""

from __future__ import annotations

import datetime
import importlib
import os
import platform
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
sys.path.insert(0, str(ROOT))

from bench import harness  # noqa: E402

# Each app's bench module may define populate() (volume data) and measure(client, server) ->
# markdown section. They run in this order.
APP_BENCHES = ["bench.networks", "bench.training"]
# Standalone app benchmarks (own database and server): their last recorded results are copied in.
# Run them with `.venv/bin/python bench/marketplace.py`, `.venv/bin/python bench/payments.py` and
# `.venv/bin/python bench/restart.py` (restart of the app server under load).
RECORDED = ["RESULTS-marketplace.md", "RESULTS-payments.md", "RESULTS-restart.md"]

WEIGHED_PAGES = ["/km/", "/km/market/", "/km/skills-center/", "/km/safe-house/"]
SITE_PAGES = ["/km/", "/en/", "/km/safe-house/", "/km/networks/", "/km/search/?q=ផ្ទះ"]


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    database_url = os.environ.get("BENCH_DATABASE_URL")
    if not database_url:
        db_file = OUT / "bench.sqlite3"
        db_file.unlink(missing_ok=True)
        database_url = f"sqlite:///{db_file}"
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "cms.settings.dev",
        "DJANGO_DEBUG": "1",
    }
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    subprocess.run([sys.executable, "manage.py", "seed_demo"], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)

    harness.setup_django(database_url)
    from django.test import Client

    modules = []
    for name in APP_BENCHES:
        try:
            modules.append(importlib.import_module(name))
        except ModuleNotFoundError as error:
            if error.name != name:
                raise
    for module in modules:
        if hasattr(module, "populate"):
            print(f"populate: {module.__name__}")
            module.populate()

    client = Client()
    sections = []
    rows = ["| page | status | SQL queries |", "| --- | --- | --- |"]
    for path in SITE_PAGES:
        status, queries = harness.queries_for(client, path)
        rows.append(f"| `{path}` | {status} | {queries} |")
    sections.append("## Site pages: SQL queries per request\n\n" + "\n".join(rows))

    weights = ["| page | HTML | CSS | JS | fonts | images | total |", "| --- | --- | --- | --- | --- | --- | --- |"]
    fetch = harness.client_fetch(client)
    for path in WEIGHED_PAGES:
        weight = harness.page_weight(fetch, path)
        weights.append(
            f"| `{path}` | {weight['html']:,} | {weight['css']:,} | {weight['js']:,} | {weight['fonts']:,} "
            f"| {weight['images']:,} | {weight['total']:,} |"
        )
    sections.append(
        "## Page weight (bytes, uncompressed, first visit)\n\n"
        "Fonts: the regular Khmer and Latin faces of Noto Sans Khmer (bold loads only where used). "
        "Images: every WebP rendition the HTML references, lazy ones included.\n\n" + "\n".join(weights)
    )

    with harness.Gunicorn(database_url) as server:
        loads = ["| page | requests | errors | req/s | p50 ms | p99 ms |", "| --- | --- | --- | --- | --- | --- |"]
        for path in ["/km/", "/km/market/", "/km/skills-center/", "/km/safe-house/"]:
            result = harness.load(server.url + path, requests=300, concurrency=4)
            loads.append(
                f"| `{path}` | {result['requests']} | {result['errors']} | {result['rps']:.0f} "
                f"| {result['p50_ms']:.1f} | {result['p99_ms']:.1f} |"
            )
        sections.append("## Site pages under gunicorn (2 workers, 4 concurrent clients)\n\n" + "\n".join(loads))
        for module in modules:
            if hasattr(module, "measure"):
                print(f"measure: {module.__name__}")
                sections.append(module.measure(client=client, server=server))

    header = (
        "# Benchmark results\n\n"
        f"Recorded {datetime.date.today().isoformat()} by `make bench` on {platform.machine()}, "
        f"{os.cpu_count()} cores, Python {platform.python_version()}, database "
        f"{'SQLite' if database_url.startswith('sqlite') else 'PostgreSQL'}. "
        "Load runs on 127.0.0.1 only, bounded in requests and time.\n"
    )
    perf = ROOT / "bench" / "RESULTS-perf.md"
    if perf.exists():
        # Issue 12's speed figures (bench/perf.py, run first by `make bench`), first.
        sections.insert(0, f"<!-- perf:start -->\n{perf.read_text()}<!-- perf:end -->")
    for name in RECORDED:
        path = ROOT / "bench" / name
        if path.exists():
            # Demote the recorded file's headings one level under this document.
            text = "\n".join(("#" + line) if line.startswith("#") else line for line in path.read_text().splitlines())
            sections.append(f"<!-- copied from bench/{name} -->\n{text}")
    (ROOT / "bench" / "RESULTS.md").write_text(header + "\n" + "\n\n".join(sections) + "\n")
    print((ROOT / "bench" / "RESULTS.md").read_text())


if __name__ == "__main__":
    main()
