"""The iCal feed is generated with `icalendar`; it is checked here with independent tools:
`vobject` parses it, python-dateutil expands the RRULE, and a line checker enforces RFC 5545's
CRLF line endings and 75-octet lines."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import vobject
from dateutil.rrule import rrulestr
from wagtail.models import Locale

from tests.factories.training import CourseSessionFactory

pytestmark = pytest.mark.django_db
PHNOM_PENH = ZoneInfo("Asia/Phnom_Penh")


@pytest.fixture
def sessions(course, other_course):
    monday = datetime.date(2030, 3, 4)
    tailoring = CourseSessionFactory(
        course=course,
        start_date=monday,
        end_date=monday + datetime.timedelta(days=13),
        weekdays="0,3",
        start_time=datetime.time(8, 0),
        end_time=datetime.time(11, 30),
        enrolment_closes=monday - datetime.timedelta(days=1),
    )
    weaving = CourseSessionFactory(course=other_course, start_date=monday + datetime.timedelta(days=1), weekdays="1")
    return tailoring, weaving


def rfc5545_lines(body: bytes) -> list[str]:
    assert body.endswith(b"\r\n")
    raw_lines = body.split(b"\r\n")[:-1]
    for line in raw_lines:
        assert b"\n" not in line and b"\r" not in line
        assert len(line) <= 75, line
    return [line.decode() for line in raw_lines]


def test_feed_of_all_sessions_parses_with_an_independent_parser(client, sessions):
    tailoring, weaving = sessions
    response = client.get("/km/skills-center/calendar.ics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    lines = rfc5545_lines(response.content)
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-1] == "END:VCALENDAR"
    assert "VERSION:2.0" in lines

    calendar = vobject.readOne(response.content.decode())
    timezones = [component for component in calendar.components() if component.name == "VTIMEZONE"]
    assert [tz.tzid.value for tz in timezones] == ["Asia/Phnom_Penh"]
    events = {event.uid.value: event for event in calendar.vevent_list}
    assert set(events) == {f"session-{tailoring.pk}@sahakum", f"session-{weaving.pk}@sahakum"}

    event = events[f"session-{tailoring.pk}@sahakum"]
    assert event.summary.value == "Tailoring"
    start = event.dtstart.value
    assert start.utcoffset() == datetime.timedelta(hours=7)
    assert start.replace(tzinfo=None) == datetime.datetime(2030, 3, 4, 8, 0)
    assert "DTSTART;TZID=Asia/Phnom_Penh:20300304T080000" in lines  # vobject consumes the TZID param
    assert event.dtend.value.replace(tzinfo=None) == datetime.datetime(2030, 3, 4, 11, 30)
    # Expand the weekly rule with dateutil: Mondays and Thursdays for two weeks.
    rule = rrulestr(event.rrule.value, dtstart=start.astimezone(PHNOM_PENH))
    assert [occurrence.date() for occurrence in rule] == [
        datetime.date(2030, 3, 4),
        datetime.date(2030, 3, 7),
        datetime.date(2030, 3, 11),
        datetime.date(2030, 3, 14),
    ]
    assert [occurrence.date() for occurrence in rule] == tailoring.class_days()


def test_course_feed_holds_only_that_course(client, sessions, course):
    tailoring, _weaving = sessions
    response = client.get(f"/km/skills-center/calendar/{course.pk}.ics")
    calendar = vobject.readOne(response.content.decode())
    assert [event.uid.value for event in calendar.vevent_list] == [f"session-{tailoring.pk}@sahakum"]


def test_unknown_course_feed_is_404(client, sessions):
    assert client.get("/km/skills-center/calendar/999999.ics").status_code == 404


def _event_fields(body: bytes) -> list[dict]:
    calendar = vobject.readOne(body.decode())
    return [{"summary": event.summary.value, "url": event.url.value} for event in calendar.vevent_list]


def test_english_feed_has_english_titles_and_links_on_the_host_that_served_it(client, sessions, course):
    """Issue 10 #5: URL: said http://localhost/… (the Site record) and English feeds had Khmer titles."""
    english = course.copy_for_translation(Locale.objects.get_or_create(language_code="en")[0])
    english.title = "Tailoring (English)"
    english.save_revision().publish()
    events = _event_fields(client.get("/en/skills-center/calendar.ics", HTTP_HOST="127.0.0.1:8123").content)
    tailoring = next(event for event in events if event["summary"] == "Tailoring (English)")
    assert tailoring["url"] == "http://127.0.0.1:8123/en/skills-center/tailoring/"
    khmer = _event_fields(client.get("/km/skills-center/calendar.ics", HTTP_HOST="127.0.0.1:8123").content)
    assert all(event["url"].startswith("http://127.0.0.1:8123/km/") for event in khmer)
    assert not any("localhost" in event["url"] for event in events + khmer)


def test_feed_links_use_the_public_base_url_when_it_is_set(client, sessions, settings):
    settings.PUBLIC_BASE_URL = "https://sahakum.example/"
    events = _event_fields(client.get("/km/skills-center/calendar.ics").content)
    assert events and all(event["url"].startswith("https://sahakum.example/km/skills-center/") for event in events)
