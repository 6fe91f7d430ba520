"""Trainer tools in the Wagtail admin: the roster of a session (attendance per class day,
completion, certificates), matching an enrolment to a registry member, and training figures."""

import csv
import datetime
from functools import wraps

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.admin_views import object_for, visible_queryset
from cms.links import absolute_url
from networks.models import Member

from . import services
from .certificates import certificate_pdf
from .exceptions import TrainingError
from .forms import AttendanceDayForm
from .models import Certificate, CourseSession, Enrolment
from .permissions import LINK_MEMBER
from .selectors import training_figures


def forbidden(request):
    return render(request, "training/admin/forbidden.html", status=403)


def returns_403(view):
    """Wagtail's admin turns PermissionDenied into a redirect; trainers should get a real 403."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except PermissionDenied:
            return forbidden(request)

    return wrapped


def _session_for(request, pk: int, action: str = "change") -> CourseSession:
    """The session, if the policy lets this user reach it (a 404 outside their courses)."""
    return object_for(request.user, CourseSession.objects.select_related("course", "venue_village"), pk, action)


@returns_403
def roster(request, pk: int):
    session = _session_for(request, pk)
    class_days = session.class_days()
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "attendance":
                day_form = AttendanceDayForm(request.POST, session=session)
                if not day_form.is_valid():
                    raise TrainingError(_("That day is not a class day of this session."))
                _record_attendance(request, session, day_form.cleaned_data["day"])
                messages.success(request, _("Attendance saved."))
                return redirect(f"{request.path}?day={day_form.cleaned_data['day'].isoformat()}")
            if action in {"complete", "uncomplete"}:
                enrolment = get_object_or_404(session.enrolments, pk=request.POST.get("enrolment"))
                services.enrolment_complete(enrolment=enrolment, completed=action == "complete", actor=request.user)
                messages.success(request, _("Saved."))
                return redirect(request.get_full_path())
            raise TrainingError(_("Unknown action."))
        except TrainingError as error:
            messages.error(request, error.message)
            status = 400
    selected_day = _selected_day(request, class_days)
    enrolments = list(session.enrolments.active().for_roster())
    for enrolment in enrolments:
        marks = {mark.day: mark.present for mark in enrolment.attendance.all()}
        enrolment.present_on_day = marks.get(selected_day)
        enrolment.days_present = sum(1 for present in marks.values() if present)
        # RelatedObjectDoesNotExist is an AttributeError: None when no certificate was issued.
        enrolment.issued_certificate = getattr(enrolment, "certificate", None)
    export_base = reverse("training_enrolments:index") if _has_export(request) else ""
    return render(
        request,
        "training/admin/roster.html",
        {
            "session": session,
            "enrolments": enrolments,
            "class_days": class_days,
            "selected_day": selected_day,
            "seat_holders": [e for e in enrolments if e.status in {"confirmed", "completed"}],
            "waitlist": [e for e in enrolments if e.status == "waitlisted"],
            "export_base": export_base,
        },
        status=status,
    )


def _has_export(request) -> bool:
    return request.user.has_perm("training.view_enrolment")


def _selected_day(request, class_days: list[datetime.date]) -> datetime.date | None:
    if not class_days:
        return None
    try:
        day = datetime.date.fromisoformat(request.GET.get("day", ""))
    except ValueError:
        day = None
    if day in class_days:
        return day
    today = timezone.localdate()
    past = [d for d in class_days if d <= today]
    return past[-1] if past else class_days[0]


@transaction.atomic
def _record_attendance(request, session: CourseSession, day: datetime.date) -> None:
    present_ids = {int(pk) for pk in request.POST.getlist("present") if pk.isdigit()}
    for enrolment in session.enrolments.holding_seat():
        services.attendance_record(
            enrolment=enrolment, day=day, present=enrolment.pk in present_ids, recorded_by=request.user
        )


@returns_403
@require_http_methods(["GET", "POST"])
def certificate(request, pk: int, enrolment_pk: int):
    """POST issues the certificate of a completed enrolment (once; again returns the same one);
    GET only downloads a certificate already issued, so no prefetch or crawler ever issues one."""
    session = _session_for(request, pk)
    enrolment = get_object_or_404(session.enrolments.select_related("session__course"), pk=enrolment_pk)
    if request.method == "POST":
        try:
            issued = services.certificate_issue(enrolment=enrolment, issued_by=request.user)
        except TrainingError as error:
            messages.error(request, error.message)
            return render(
                request, "training/admin/error.html", {"session": session, "message": error.message}, status=400
            )
    else:
        issued = get_object_or_404(Certificate, enrolment=enrolment)
    language = request.GET.get("lang") if request.GET.get("lang") in {"km", "en"} else "km"
    # The verification link opens in the certificate's language (the admin itself runs in English).
    with translation.override(language):
        verify_url = absolute_url(reverse("training:verify", kwargs={"code": issued.code}), request)
    response = HttpResponse(certificate_pdf(issued, verify_url, language=language), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="certificate-{issued.code}-{language}.pdf"'
    return response


def _matchable_members(user):
    # The registry's own privacy rule: minors and members of sensitive networks only for
    # safeguarding officers (and nobody without the registry's view permission).
    return Member.objects.visible_to(user).filter(is_anonymised=False)


@returns_403
def member_match(request, pk: int):
    if not request.user.has_perm(LINK_MEMBER):
        raise PermissionDenied
    enrolment = object_for(
        request.user, Enrolment.objects.select_related("session__course", "member", "village"), pk, None
    )
    members = _matchable_members(request.user)
    if request.method == "POST":
        member_id = request.POST.get("member")
        member = get_object_or_404(members, pk=member_id) if member_id else None
        services.enrolment_link_member(enrolment=enrolment, member=member, actor=request.user)
        messages.success(request, _("Registry link saved."))
        return redirect("training_enrolments:match", pk=enrolment.pk)
    phone_tail = enrolment.phone[1:]
    candidates = (
        members.filter(
            Q(phone__endswith=phone_tail) | Q(name_km__iexact=enrolment.name) | Q(name_latin__iexact=enrolment.name)
        )
        .select_related("village")
        .distinct()[:20]
        if phone_tail
        else members.none()
    )
    context = {
        "enrolment": enrolment,
        "candidates": candidates,
        # The current link, named only to someone who may see that member.
        "linked_member": members.filter(pk=enrolment.member_id).first() if enrolment.member_id else None,
        "link_hidden": bool(enrolment.member_id) and not members.filter(pk=enrolment.member_id).exists(),
    }
    return render(request, "training/admin/member_match.html", context)


@returns_403
def figures(request):
    if not request.user.has_perm("training.view_enrolment"):
        raise PermissionDenied
    enrolments = Enrolment.objects.filter(pk__in=visible_queryset(request.user, Enrolment).values("pk"))
    year = request.GET.get("year", "")
    if year.isdigit():
        enrolments = enrolments.filter(session__start_date__year=int(year))
    data = training_figures(enrolments)
    if request.GET.get("export") == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="training-figures.csv"'
        writer = csv.writer(response)
        writer.writerow([_("Figure"), _("Value"), _("Count")])
        for label, count in data["by_gender"]:
            writer.writerow([_("Gender"), label, count])
        for label, count in data["by_age_band"]:
            writer.writerow([_("Age band"), label, count])
        for name, code, count in data["by_village"]:
            writer.writerow([_("Village"), f"{name} {code}".strip(), count])
        return response
    return render(request, "training/admin/figures.html", {"figures": data, "year": year})
