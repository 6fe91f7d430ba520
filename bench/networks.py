"""Registry benchmark: import 5,000 members from CSV, then render the statistics report (every
breakdown, HTML and CSV export), the member listing and export, and the public network page.

Two ways to run it:

    make bench                                   # bench/run.py calls populate() and measure()
    .venv/bin/python bench/networks.py           # standalone, on a throw-away test database
    DATABASE_URL=postgres://… .venv/bin/python bench/networks.py

bench/RESULTS-networks.md records standalone runs on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
import os
import statistics
import sys
import time
from pathlib import Path

ROWS = 5000
REPEAT = 5
RESULTS: dict[str, tuple[float, int]] = {}


def _registry_officer():
    from django.contrib.auth.models import Group as Role

    from accounts import roles
    from accounts.demo import ensure_roles
    from accounts.models import User

    ensure_roles()
    user, _created = User.objects.get_or_create(username="bench-registry", defaults={"is_staff": True})
    user.groups.add(Role.objects.get(name=roles.REGISTRY_OFFICER))
    return user


def _groups():
    """Producer groups to import into: the demo's when seeded, else 40 new ones."""
    from networks.models import Group, Network, Village

    network, _created = Network.objects.get_or_create(
        slug="producer-group", defaults={"name_km": "ក្រុមអ្នកផលិត", "name_en": "Producer Group"}
    )
    groups = list(Group.objects.filter(network=network).select_related("village", "commune"))
    if not groups:
        villages = Village.objects.filter(commune__district__province__code="17").select_related("commune")
        groups = [
            Group.objects.create(
                network=network, name_km=f"ក្រុម {v.code}", name_en=f"Group {v.code}", village=v, commune=v.commune
            )
            for v in villages.order_by("code")[:40]
        ]
    return groups


def _csv(villages: list[str], group_ids: list[int]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["name_km", "name_latin", "gender", "birth_year", "phone", "village_code", "group_id", "joined"])
    for index in range(ROWS):
        writer.writerow(
            [
                f"សមាជិកសាកល្បង {index}",
                f"Bench Member {index}",
                "female" if index % 5 else "male",
                1950 + index % 55 if index % 7 else 1970,
                f"0969{index:05d}",
                villages[index % len(villages)],
                group_ids[index % len(group_ids)],
                f"{2018 + index % 8}-03-01",
            ]
        )
    return buffer.getvalue().encode("utf-8")


def populate() -> None:
    """Import 5,000 adult members (with memberships) through the CSV import service, as a
    registry officer's upload does, and time it."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from networks.geography import load_geography
    from networks.models import Member, Village
    from networks.services import members_import

    started = time.perf_counter()
    loaded = load_geography()
    RESULTS["geography"] = (time.perf_counter() - started, loaded.villages)
    if Member.objects.filter(name_latin="Bench Member 0").exists():
        return
    officer = _registry_officer()
    groups = _groups()
    villages = list(Village.objects.filter(commune__district__province__code__in=["17", "02"]).order_by("code")[:400])
    data = _csv([v.code for v in villages], [g.pk for g in groups])
    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        result = members_import(data=data, user=officer)
        RESULTS["import"] = (time.perf_counter() - started, len(captured.captured_queries))
    assert result.members == ROWS


def _timed(function, repeat: int = REPEAT) -> tuple[float, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    timings, queries = [], 0
    for _index in range(repeat):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            function()
            timings.append(time.perf_counter() - started)
        queries = len(captured.captured_queries)
    return statistics.median(timings), queries


def _get(client, url: str, params: dict | None = None) -> None:
    response = client.get(url, params or {}, HTTP_HOST="127.0.0.1", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200, (url, response.status_code)
    if getattr(response, "streaming", False):
        b"".join(response.streaming_content)


def measure(*, client, server=None) -> str:
    from networks.models import Member

    members = Member.objects.count()
    client.force_login(_registry_officer())
    rows = []
    if "geography" in RESULTS:
        seconds, villages = RESULTS["geography"]
        rows.append((f"load_geography (whole country; {villages} villages added)", f"{seconds:.2f} s", "—"))
    if "import" in RESULTS:
        seconds, queries = RESULTS["import"]
        rows.append((f"**import {ROWS:,} members + memberships from CSV**", f"**{seconds:.2f} s**", str(queries)))
    for by in ("network", "group", "province", "district"):
        for export in ("", "csv"):
            params = {"by": by} | ({"export": export} if export else {})
            seconds, queries = _timed(lambda params=params: _get(client, "/admin/networks/statistics/", params))
            label = f"statistics report by {by}" + (" (CSV export)" if export else "")
            if by == "network" and not export:
                label = f"**{label}**"
            rows.append((label, f"{seconds * 1000:.0f} ms", str(queries)))
    seconds, queries = _timed(lambda: _get(client, "/admin/networks/members/"))
    rows.append(("member listing (50 per page)", f"{seconds * 1000:.0f} ms", str(queries)))
    seconds, queries = _timed(lambda: _get(client, "/admin/networks/members/", {"export": "csv"}), repeat=3)
    rows.append(
        (f"member CSV export (registry officer; {members:,} in the registry)", f"{seconds * 1000:.0f} ms", str(queries))
    )
    client.logout()
    for path in ("/km/networks/producer-group/", "/km/"):
        seconds, queries = _timed(lambda path=path: _get(client, path))
        rows.append((f"public `{path}` (live, suppressed figures)", f"{seconds * 1000:.0f} ms", str(queries)))

    table = ["| operation | time | SQL queries |", "| --- | ---: | ---: |"]
    table += [f"| {label} | {seconds} | {queries} |" for label, seconds, queries in rows]
    section = f"## Networks: registry of {members:,} members\n\n" + "\n".join(table)
    if server is not None:
        from bench import harness

        result = harness.load(server.url + "/km/networks/producer-group/", requests=200, concurrency=4)
        section += (
            "\n\nPublic network page under gunicorn: "
            f"{result['rps']:.0f} req/s, p50 {result['p50_ms']:.1f} ms, p99 {result['p99_ms']:.1f} ms "
            f"({result['requests']} requests, {result['errors']} errors)."
        )
    return section


def main() -> None:
    """Standalone: a throw-away test database (SQLite, or DATABASE_URL's server)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.test")
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0)
    try:
        from cms.demo import seed_pages
        from networks.models import Network

        populate()
        # The public pages, without the demo members: the figures are the 5,000 imported ones.
        pages = seed_pages(log=lambda *args: None)
        for page in pages["network:producer-group"].values():
            page = page.specific
            page.network = Network.objects.get(slug="producer-group")
            page.save_revision().publish()
        print(f"Database: {connection.vendor}\n")
        print(measure(client=Client()))
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
