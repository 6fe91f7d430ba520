"""Public training views: catalog and course context (rendered by the pages), enrolment,
the private enrolment page, certificate verification and calendar feeds."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from wagtail.models import Locale

from accounts.throttling import limit_writes
from networks.disclosure import single_figure

from . import calendars, services
from .exceptions import AlreadyEnrolled, TrainingError
from .filters import CourseSessionFilter
from .forms import EnrolmentForm
from .models import Certificate, CoursePage, CourseSession, Enrolment
from .selectors import graduates_selling


def _live_courses():
    return (
        CoursePage.objects.live()
        .public()
        .filter(locale=Locale.get_active())
        .select_related("image")
        .prefetch_related("image__renditions")
        .order_by("path")
    )


def catalog_context(request, index_page) -> dict:
    """Courses of the catalog, each with its upcoming sessions that match the filters. A fixed
    number of queries whatever the number of courses and sessions."""
    sessions = CourseSession.objects.upcoming().for_listing().order_by("start_date", "pk")
    session_filter = CourseSessionFilter(request.GET or None, queryset=sessions)
    filtering = session_filter.is_bound and session_filter.is_valid() and any(session_filter.form.cleaned_data.values())
    sessions_by_key: dict = {}
    for session in session_filter.qs:
        sessions_by_key.setdefault(session.course.translation_key, []).append(session)
    courses = list(_live_courses().descendant_of(index_page))
    if filtering:
        courses = [course for course in courses if course.translation_key in sessions_by_key]
    for course in courses:
        course.upcoming_sessions = sessions_by_key.get(course.translation_key, [])
    return {"courses": courses, "session_filter": session_filter, "filtering": filtering}


def course_context(request, course) -> dict:
    """A course page's figure "N graduates now sell on the market", a public figure about
    people: through the registry's disclosure rule (small numbers are not shown)."""
    return {"graduates_selling": single_figure(graduates_selling(course))}


@limit_writes
def enrol(request, session_id: int):
    session = get_object_or_404(CourseSession.objects.for_listing(), pk=session_id)
    course = session.course.localized
    if not course.live:
        raise Http404
    refusal = session.enrolment_refusal()
    if refusal:
        return render(
            request, "training/enrol.html", {"session": session, "course": course, "refusal": refusal}, status=409
        )
    form = EnrolmentForm(request.POST or None, session=session, user=request.user)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                enrolment = services.enrolment_create(
                    session_id=session.pk, user=request.user, language=request.LANGUAGE_CODE, **form.cleaned_data
                )
            except AlreadyEnrolled as error:
                form.add_error("phone", error.message)
                status = 409
            except TrainingError as error:
                form.add_error(None, error.message)
                status = 409
            else:
                return redirect("training:enrolment", token=enrolment.token)
        else:
            status = 400
    return render(request, "training/enrol.html", {"session": session, "course": course, "form": form}, status=status)


def enrolment_detail(request, token: str):
    enrolment = get_object_or_404(
        Enrolment.objects.select_related("session__course", "session__venue_village", "village"), token=token
    )
    waitlist_position = None
    if enrolment.status == Enrolment.Status.WAITLISTED:
        waitlist_position = (
            enrolment.session.enrolments.waitlisted()
            .filter(created_at__lte=enrolment.created_at)
            .exclude(created_at=enrolment.created_at, pk__gt=enrolment.pk)
            .count()
        )
    response = render(
        request,
        "training/enrolment.html",
        {
            "enrolment": enrolment,
            "course": enrolment.session.course.localized,
            "waitlist_position": waitlist_position,
            "manage_url": request.build_absolute_uri(),
        },
    )
    # The private link is the key to this page: keep it out of third-party referrers and caches.
    # "same-origin", not "no-referrer": with no-referrer Chromium posts `Origin: null` and the
    # CSRF check refuses the withdrawal.
    response["Referrer-Policy"] = "same-origin"
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
def enrolment_withdraw(request, token: str):
    if not Enrolment.objects.filter(token=token).exists():
        raise Http404
    try:
        enrolment, _promoted = services.enrolment_withdraw(token=token, actor=request.user)
    except TrainingError as error:
        messages.error(request, error.message)
        return redirect("training:enrolment", token=token)
    messages.success(request, _("Your enrolment is withdrawn. Thank you for letting us know."))
    return redirect("training:enrolment", token=enrolment.token)


def verify(request, code: str | None = None):
    code = (code or request.GET.get("code") or "").strip().upper()[:64]
    # Only something shaped like a code becomes an address (a "/" in it cannot be reversed).
    if code and request.GET.get("code") and code.isalnum():
        return redirect("training:verify", code=code)
    certificate = None
    if code:
        certificate = (
            Certificate.objects.select_related("enrolment__session__course", "enrolment__session__venue_village")
            .filter(code=code)
            .first()
        )
    status = 404 if code and certificate is None else 200
    context = {"code": code, "certificate": certificate}
    if certificate:
        context["course"] = certificate.enrolment.session.course.localized
    return render(request, "training/verify.html", context, status=status)


def calendar_all(request):
    sessions = CourseSession.objects.current_and_upcoming().for_listing()
    return _calendar_response(calendars.sessions_calendar(sessions, request), "skills-center.ics")


def calendar_course(request, course_id: int):
    course = get_object_or_404(CoursePage.objects.live().public(), pk=course_id)
    sessions = CourseSession.objects.current_and_upcoming().for_course(course).for_listing()
    return _calendar_response(
        calendars.sessions_calendar(sessions, request, name=course.localized.title), f"{course.slug}.ics"
    )


def _calendar_response(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response
