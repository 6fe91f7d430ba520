"""iCalendar (RFC 5545) feeds of sessions, built with the `icalendar` library.

Each session is one VEVENT: the first class as DTSTART/DTEND in Asia/Phnom_Penh (with its
VTIMEZONE), repeated weekly on the class days until the last day (RRULE)."""

import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, vRecur

from cms.links import absolute_url

PHNOM_PENH = ZoneInfo("Asia/Phnom_Penh")
ICAL_WEEKDAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]


def session_event(session, request=None) -> Event:
    """The event in the reader's language (the feed's /km/ or /en/): title and link of the course's
    translation, on the public base URL (cms.links), never the Site record's hostname."""
    course = session.course.localized
    first_day = session.class_days()[0] if session.class_days() else session.start_date
    event = Event()
    event.add("uid", f"session-{session.pk}@sahakum")
    event.add("dtstamp", timezone.now())
    event.add("summary", course.title)
    event.add("dtstart", datetime.datetime.combine(first_day, session.start_time, tzinfo=PHNOM_PENH))
    event.add("dtend", datetime.datetime.combine(first_day, session.end_time, tzinfo=PHNOM_PENH))
    # UNTIL in UTC, as RFC 5545 requires when DTSTART has a time zone.
    until = datetime.datetime.combine(session.end_date, session.end_time, tzinfo=PHNOM_PENH).astimezone(datetime.UTC)
    event.add(
        "rrule", vRecur(freq="WEEKLY", byday=[ICAL_WEEKDAYS[day] for day in session.weekday_numbers], until=until)
    )
    event.add("location", f"{session.venue_name}, {session.venue_village.name_en or session.venue_village.name_km}")
    event.add("status", "CANCELLED" if session.status == session.Status.CANCELLED else "CONFIRMED")
    url_parts = course.get_url_parts(request)
    if url_parts:
        event.add("url", absolute_url(url_parts[2], request))
    return event


def sessions_calendar(sessions, request=None, name: str = "") -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//Sahakum//Skills Center//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name or _("Skills Center"))
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    for session in sessions:
        calendar.add_component(session_event(session, request))
    calendar.add_missing_timezones()
    return calendar.to_ical()
