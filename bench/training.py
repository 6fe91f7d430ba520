"""Training benchmark: SQL queries and in-process latency of the catalog, a course page, the
iCal feed, plus the time to draw one certificate PDF (HarfBuzz shaping included).

    .venv/bin/python bench/training.py            # throwaway SQLite file in /tmp
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sahakum_training .venv/bin/python bench/training.py

As a module of bench/run.py it offers populate() (volume data) and measure(client, server=None).
Figures go to bench/RESULTS-training.md by hand. Not a test: timings never belong in tests."""

import datetime
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COURSES = 20
SESSIONS_PER_COURSE = 10
ENROLMENTS_PER_SESSION = 10
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "40"))


def populate() -> None:
    """Add COURSES courses with SESSIONS_PER_COURSE upcoming sessions each (idempotent)."""
    from django.utils import timezone

    from tests.factories.training import CourseSessionFactory, EnrolmentFactory, add_course
    from training.models import CourseIndexPage, CoursePage

    index = CourseIndexPage.objects.filter(locale__language_code="km").first()
    existing = CoursePage.objects.filter(slug__startswith="bench-course-").count()
    today = timezone.localdate()
    for number in range(existing, COURSES):
        course = add_course(index, title=f"Bench course {number}", slug=f"bench-course-{number}")
        for week in range(SESSIONS_PER_COURSE):
            start = today + datetime.timedelta(days=14 + 7 * week)
            session = CourseSessionFactory(course=course, start_date=start, capacity=20)
            EnrolmentFactory.create_batch(ENROLMENTS_PER_SESSION, session=session)


def _timed(client, url: str) -> tuple[int, int, float, float]:
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    reset_queries()  # seeding filled the bounded query log; counts would read 0
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, HTTP_HOST="localhost")
    status, queries = response.status_code, len(captured)
    timings = []
    for _ in range(REQUESTS):
        started = time.perf_counter()
        client.get(url, HTTP_HOST="localhost")
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    return status, queries, statistics.median(timings), timings[int(len(timings) * 0.99) - 1]


def measure(client, server=None) -> str:
    from training.certificates import certificate_pdf
    from training.models import Certificate, CoursePage, CourseSession

    course = (
        CoursePage.objects.filter(slug="tailoring", locale__language_code="km").first() or CoursePage.objects.first()
    )
    urls = [
        "/km/skills-center/",
        "/km/skills-center/?seats_left=on&category=tailoring",
        course.url,
        "/km/skills-center/calendar.ics",
    ]
    lines = [
        f"Data: {CoursePage.objects.count()} course pages, {CourseSession.objects.count()} sessions. "
        f"In-process Django test client, {REQUESTS} requests per URL (not gunicorn).",
        "",
        "| URL | status | SQL queries | p50 ms | p99 ms |",
        "| --- | --- | --- | --- | --- |",
    ]
    for url in urls:
        status, queries, p50, p99 = _timed(client, url)
        lines.append(f"| `{url}` | {status} | {queries} | {p50:.1f} | {p99:.1f} |")
    certificate = Certificate.objects.select_related("enrolment__session__course").first()
    if certificate:
        timings = []
        for _ in range(10):
            started = time.perf_counter()
            pdf = certificate_pdf(certificate, "https://example.org/verify/", language="km")
            timings.append((time.perf_counter() - started) * 1000)
        lines += [
            "",
            f"Certificate PDF (Khmer, shaped): median {statistics.median(timings):.0f} ms, {len(pdf):,} bytes.",
        ]
    return "\n".join(lines)


def main() -> None:
    os.environ.setdefault("DATABASE_URL", "sqlite:////tmp/sahakum-training-bench.sqlite3")
    os.environ["DJANGO_SETTINGS_MODULE"] = "cms.settings.dev"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    call_command("migrate", verbosity=0)
    call_command("seed_demo", force=True, verbosity=0, stdout=open(os.devnull, "w"))
    populate()
    print(measure(Client()))


if __name__ == "__main__":
    main()
