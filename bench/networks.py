"""Registry benchmark: import 5,000 members from CSV, then render the statistics report (every
breakdown, HTML and CSV) and the member listing over those 5,000 members.

    .venv/bin/python bench/networks.py            # SQLite (a throw-away test database)
    DATABASE_URL=postgres://… .venv/bin/python bench/networks.py

Prints a Markdown table; bench/RESULTS-networks.md records a run."""

import csv
import io
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.test")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

ROWS = 5000
REPEAT = 5


def _csv(villages, group_ids) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["name_km", "name_latin", "gender", "birth_year", "phone", "village_code", "group_id", "joined"])
    for index in range(ROWS):
        writer.writerow(
            [
                f"សមាជិក {index}",
                f"Member {index}",
                "female" if index % 5 else "male",
                1950 + index % 55 if index % 7 else 1970,
                f"0969{index:05d}",
                villages[index % len(villages)],
                group_ids[index % len(group_ids)],
                f"{2018 + index % 8}-03-01",
            ]
        )
    return buffer.getvalue().encode("utf-8")


def _time(function, repeat=REPEAT):
    timings, queries = [], 0
    for _index in range(repeat):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            function()
            timings.append(time.perf_counter() - started)
        queries = len(captured.captured_queries)
    return statistics.median(timings), queries


def main() -> None:
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0)
    try:
        from accounts import roles
        from accounts.demo import ensure_roles
        from networks.geography import load_geography
        from networks.models import Group, Member, Network, Village
        from networks.services import members_import
        from tests.factories.accounts import UserFactory

        ensure_roles()
        started = time.perf_counter()
        geography = load_geography()
        geography_seconds = time.perf_counter() - started
        officer = UserFactory(username="bench-registry", roles=[roles.REGISTRY_OFFICER], is_staff=True)
        network = Network.objects.create(name_km="ក្រុមអ្នកផលិត", name_en="Producer Group", slug="producer-group")
        villages = list(
            Village.objects.filter(commune__district__province__code__in=["17", "02"])
            .select_related("commune")
            .order_by("code")[:400]
        )
        groups = [
            Group.objects.create(
                network=network, name_km=f"ក្រុម {v.code}", name_en=f"Group {v.code}", village=v, commune=v.commune
            )
            for v in villages[:40]
        ]
        data = _csv([v.code for v in villages], [g.pk for g in groups])
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as captured:
            result = members_import(data=data, user=officer)
        import_seconds = time.perf_counter() - started
        import_queries = len(captured.captured_queries)
        assert result.members == ROWS and Member.objects.count() == ROWS

        client = Client(HTTP_ACCEPT_LANGUAGE="en")
        client.force_login(officer)
        rows = []
        for by in ("network", "group", "province", "district"):
            for export in ("", "csv"):
                params = {"by": by} | ({"export": export} if export else {})

                def render(params=params):
                    response = client.get("/admin/networks/statistics/", params)
                    assert response.status_code == 200
                    if getattr(response, "streaming", False):
                        b"".join(response.streaming_content)
                    else:
                        response.content  # noqa: B018

                seconds, queries = _time(render)
                rows.append((f"statistics report by {by}" + (" (CSV export)" if export else ""), seconds, queries))

        def listing():
            assert client.get("/admin/networks/members/").status_code == 200

        rows.append(("member listing (50 per page)", *_time(listing)))

        def export():
            response = client.get("/admin/networks/members/", {"export": "csv"})
            b"".join(response.streaming_content)

        rows.append((f"member CSV export ({ROWS} rows)", *_time(export, repeat=3)))

        print(f"Database: {connection.vendor}; {ROWS} members in {len(groups)} groups\n")
        print("| operation | time | SQL queries |")
        print("| --- | ---: | ---: |")
        print(f"| load_geography (whole country, {geography.villages} villages) | {geography_seconds:.2f} s | — |")
        print(f"| import {ROWS} members + memberships from CSV | {import_seconds:.2f} s | {import_queries} |")
        for label, seconds, queries in rows:
            print(f"| {label} | {seconds * 1000:.0f} ms | {queries} |")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
