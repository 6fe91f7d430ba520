"""Lighthouse (issue 12): the four category scores of the home, catalog, product and course
pages on a phone (Lighthouse's mobile form factor, simulated throttling), and the performance
score under "Regular 3G" (750 kbps down, 250 kbps up, 100 ms round trip) on home and catalog.

    .venv/bin/python bench/lighthouse.py        (`make lighthouse`; not in the test suite: slow)

The site runs as in production: gunicorn with the production settings (page cache as
configured by PAGE_CACHE_SECONDS, default on) on 127.0.0.1, behind a small front that does what
nginx does in docs/deployment.md (serves /media/images/ with a 30-day lifetime, refuses the rest
of /media/, passes everything else to gunicorn). Needs Chromium (CHROME_PATH, default
/usr/bin/chromium) and `npm ci` (lighthouse is a dev dependency in package.json).

Environment: as bench/perf.py (BENCH_PG_URL, BENCH_REDIS_URL, BENCH_MEDIA_ROOT); BENCH_SKIP_SEED=1
uses the database as it is. Writes bench/RESULTS-lighthouse.md and its section of
bench/RESULTS.md; the JSON reports go to bench/out/lighthouse/. Loopback only."""

from __future__ import annotations

import datetime
import http.client
import json
import mimetypes
import os
import platform
import subprocess
import sys
import threading
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import perf  # noqa: E402  (sets the bench database and settings in os.environ)

CHROME = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
OUT = ROOT / "bench" / "out" / "lighthouse"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
REGULAR_3G = ["--throttling.rttMs=100", "--throttling.throughputKbps=750", "--throttling.uploadThroughputKbps=250"]
PAGES = ("home", "catalog", "product", "course")
SLOW_PAGES = ("home", "catalog")
HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade", "proxy-authenticate"}


class Front(BaseHTTPRequestHandler):
    """nginx's part (docs/deployment.md): /media/images/ from disk, cached 30 days; the rest of
    /media/ refused; everything else passed to gunicorn with the client's headers."""

    protocol_version = "HTTP/1.1"
    upstream_port = 0
    media_root = Path(perf.MEDIA_ROOT)

    def log_message(self, *args):  # quiet
        pass

    def do_GET(self):
        path = self.path.split("?", 1)[0]
        if path.startswith("/media/"):
            return self._media(path)
        connection = http.client.HTTPConnection("127.0.0.1", self.upstream_port, timeout=60)
        headers = {name: value for name, value in self.headers.items() if name.lower() not in HOP_BY_HOP}
        headers["X-Forwarded-For"] = self.client_address[0]
        connection.request("GET", self.path, headers=headers)
        response = connection.getresponse()
        body = response.read()
        self.send_response(response.status)
        for name, value in response.getheaders():
            if name.lower() not in HOP_BY_HOP and name.lower() != "content-length":
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        connection.close()

    def _media(self, path: str):
        file = (self.media_root / path.removeprefix("/media/")).resolve()
        allowed = self.media_root.resolve() / "images"
        if not path.startswith("/media/images/") or allowed not in file.parents or not file.is_file():
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        body = file.read_bytes()
        self.send_response(200)
        self.send_header("Content-Type", mimetypes.guess_type(file.name)[0] or "application/octet-stream")
        self.send_header("Cache-Control", "public, max-age=2592000")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def lighthouse(url: str, name: str, extra: list[str], categories=CATEGORIES) -> dict:
    assert url.startswith("http://127.0.0.1:"), "benchmarks only target this machine"
    for _ in range(3):  # a warm server, as between purges: the page cache entry, renditions
        urllib.request.urlopen(url, timeout=60).read()
    OUT.mkdir(parents=True, exist_ok=True)
    report = OUT / f"{name}.json"
    command = [
        str(LIGHTHOUSE),
        url,
        "--quiet",
        "--output=json",
        f"--output-path={report}",
        "--chrome-flags=--headless --no-sandbox",
        "--form-factor=mobile",
        "--throttling-method=simulate",
        f"--only-categories={','.join(categories)}",
        *extra,
    ]
    subprocess.run(command, check=True, timeout=300, env={**os.environ, "CHROME_PATH": CHROME})
    data = json.loads(report.read_text())
    scores = {key: round((data["categories"][key]["score"] or 0) * 100) for key in categories}
    refs = {ref["id"] for key in categories for ref in data["categories"][key]["auditRefs"] if ref["weight"] > 0}
    flagged = sorted(
        (audit["id"], audit["score"])
        for audit in data["audits"].values()
        if audit["id"] in refs and audit["score"] is not None and audit["score"] < 1
    )
    metrics = {
        key: data["audits"][key]["numericValue"]
        for key in (
            "first-contentful-paint",
            "largest-contentful-paint",
            "total-blocking-time",
            "cumulative-layout-shift",
        )
        if key in data["audits"]
    }
    return {"scores": scores, "flagged": flagged, "metrics": metrics}


def collectstatic() -> None:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cms.settings.production",
        "SECRET_KEY": "x" * 50,
        "REDIS_URL": perf.REDIS_URL,
        "ALLOWED_HOSTS": "127.0.0.1",
        "WAGTAILADMIN_BASE_URL": "http://127.0.0.1",
        "DEFAULT_FROM_EMAIL": "Sahakum bench <bench@127.0.0.1>",
        "SAHAKUM_ENV_FILE": "",
    }
    command = [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"]
    subprocess.run(command, cwd=ROOT, env=env, check=True, timeout=600)


def main() -> None:
    if not LIGHTHOUSE.exists():
        sys.exit("lighthouse is missing: run `npm ci` (it is a dev dependency in package.json)")
    if not Path(CHROME).exists():
        sys.exit(f"Chromium is missing at {CHROME} (set CHROME_PATH)")
    if os.environ.get("BENCH_SKIP_SEED") != "1":
        perf.ensure_database()
        perf.manage("migrate", "--noinput", "-v0")
        perf.manage("seed_demo", "--force")
        perf.manage("seed_volume")
    collectstatic()
    pages = {name: path for name, path in perf.resolve_pages().items() if name in PAGES}
    page_cache = int(os.environ.get("PAGE_CACHE_SECONDS", "300"))
    results: dict[str, dict] = {}
    slow: dict[str, dict] = {}
    with perf.Server(page_cache_seconds=page_cache) as server:
        Front.upstream_port = server.port
        front = ThreadingHTTPServer(("127.0.0.1", 0), Front)
        threading.Thread(target=front.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{front.server_address[1]}"
        try:
            for name, path in pages.items():
                print(f"lighthouse {name} {path}", flush=True)
                results[name] = lighthouse(base + path, name.replace(" ", "-"), [])
            for name in SLOW_PAGES:
                print(f"lighthouse {name} (Regular 3G)", flush=True)
                slow[name] = lighthouse(base + pages[name], f"{name}-3g", REGULAR_3G, categories=("performance",))
        finally:
            front.shutdown()
    write_results(pages, results, slow, page_cache)


def write_results(pages, results, slow, page_cache) -> None:
    now = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    load = " / ".join(f"{value:.1f}" for value in os.getloadavg())
    version = subprocess.run([str(LIGHTHOUSE), "--version"], capture_output=True, text=True).stdout.strip()
    lines = [
        "## Lighthouse (issue 12)",
        "",
        f"Recorded {now} by `bench/lighthouse.py` (`make lighthouse`): Lighthouse {version}, Chromium "
        f"headless, mobile form factor, simulated throttling (Lighthouse's default: slow 4G, 4× CPU "
        f"slowdown); {platform.machine()}, {os.cpu_count()} cores, load average {load} (1/5/15 min). "
        f"Production settings under gunicorn ({perf.WORKERS} sync workers), page cache "
        f"{'on' if page_cache else 'off'}, PostgreSQL with the 10,000-product volume, Redis, behind a "
        "front that serves `/media/images/` as nginx does.",
        "",
        "| page | path | performance | accessibility | best practices | SEO | FCP ms | LCP ms | TBT ms | CLS |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for name, result in results.items():
        s, m = result["scores"], result["metrics"]
        lines.append(
            f"| {name} | `{pages[name]}` | {s['performance']} | {s['accessibility']} | {s['best-practices']} | "
            f"{s['seo']} | {m.get('first-contentful-paint', 0):.0f} | {m.get('largest-contentful-paint', 0):.0f} | "
            f"{m.get('total-blocking-time', 0):.0f} | {m.get('cumulative-layout-shift', 0):.3f} |"
        )
    lines += [
        "",
        "Regular 3G (750 kbps down, 250 kbps up, 100 ms round trip, 4× CPU slowdown), performance only:",
        "",
        "| page | performance | FCP ms | LCP ms | target |",
        "| --- | --- | --- | --- | --- |",
    ]
    for name, result in slow.items():
        score, m = result["scores"]["performance"], result["metrics"]
        lines.append(
            f"| {name} | {score} | {m.get('first-contentful-paint', 0):.0f} | "
            f"{m.get('largest-contentful-paint', 0):.0f} | ≥ 95: {'met' if score >= 95 else '**missed**'} |"
        )
    all_100 = all(score == 100 for result in results.values() for score in result["scores"].values())
    lines += ["", f"Target 100 in all four categories on the four pages: {'met' if all_100 else '**missed**'}."]
    runs = {**results, **{f"{name} (Regular 3G)": result for name, result in slow.items()}}
    flagged = {name: result["flagged"] for name, result in runs.items() if result["flagged"]}
    if flagged:
        lines += ["", "Audits below full marks (id: score):", ""]
        for name, audits in flagged.items():
            lines.append(f"- {name}: " + ", ".join(f"`{audit}` {score:.2f}" for audit, score in audits))
    section = "\n".join(lines) + "\n"
    (ROOT / "bench" / "RESULTS-lighthouse.md").write_text("# Lighthouse results\n\n" + section)
    results_md = ROOT / "bench" / "RESULTS.md"
    text = results_md.read_text()
    start, end = "<!-- lighthouse:start -->", "<!-- lighthouse:end -->"
    block = f"{start}\n{section}{end}"
    if start in text:
        text = text[: text.index(start)] + block + text[text.index(end) + len(end) :]
    else:
        text = text.replace("<!-- perf:end -->", "<!-- perf:end -->\n\n" + block, 1)
    results_md.write_text(text)
    print(section)


if __name__ == "__main__":
    main()
