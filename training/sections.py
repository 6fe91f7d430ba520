"""What the training app adds to other pages: the home page's upcoming sessions and site
search results (through the hooks in wagtail_hooks.py)."""

from django.template.loader import render_to_string
from django.utils import formats
from django.utils.translation import gettext as _
from wagtail.models import Locale

from cms.khmer import khmer_query_words, segment

from .models import CoursePage, CourseSession

HOME_SESSIONS = 4


def localized_courses(translation_keys) -> dict:
    """{translation_key: live CoursePage in the active language} in one query."""
    courses = (
        CoursePage.objects.live().public().filter(locale=Locale.get_active(), translation_key__in=set(translation_keys))
    )
    return {course.translation_key: course for course in courses}


def upcoming_sessions(limit: int = HOME_SESSIONS) -> list[CourseSession]:
    sessions = list(CourseSession.objects.upcoming().for_listing().order_by("start_date", "pk")[: limit * 3])
    courses = localized_courses(session.course.translation_key for session in sessions)
    shown = []
    for session in sessions:
        course = courses.get(session.course.translation_key)
        if course is not None:
            session.localized_course = course
            shown.append(session)
    return shown[:limit]


def upcoming_sessions_html(request) -> str:
    sessions = upcoming_sessions()
    if not sessions:
        return ""
    return render_to_string("training/includes/home_sessions.html", {"sessions": sessions}, request=request)


def course_search(request, query: str) -> list[dict]:
    """Upcoming sessions of the courses that match: the course pages themselves are already in the
    site's page results, so this adds when and where each course runs next. Khmer words inside
    compounds match the courses' Khmer infixes, as in the site search (cms.views.search)."""
    live = CoursePage.objects.live().public().filter(locale=Locale.get_active())
    courses = list(live.search(segment(query), operator="and")[:10])
    khmer_words = khmer_query_words(query)
    if khmer_words:
        found = {course.pk for course in courses}
        courses += [
            course for course in live.autocomplete(" ".join(khmer_words), operator="and")[:10] if course.pk not in found
        ]
    if not courses:
        return []
    sessions = (
        CourseSession.objects.upcoming()
        .filter(course__translation_key__in=[course.translation_key for course in courses])
        .select_related("course", "venue_village")
    )
    next_session = {}
    for session in sessions.order_by("start_date", "pk"):
        next_session.setdefault(session.course.translation_key, session)
    results = []
    for course in courses:
        session = next_session.get(course.translation_key)
        if session is None:
            continue
        results.append(
            {
                "title": course.title,
                "url": course.url,
                "summary": _("Next session starts %(date)s at %(venue)s.")
                % {"date": formats.date_format(session.start_date, "DATE_FORMAT"), "venue": session.venue_name},
                "kind": _("Course"),
            }
        )
    return results
