"""Training figures for statistics: people enrolled (not withdrawn) by gender, age band and village."""

from django.db.models import Case, CharField, Count, Exists, OuterRef, Q, Value, When
from django.utils.translation import gettext_lazy as _

from networks.models import Member

from .models import Enrolment, Gender

AGE_BANDS = [("under_18", _("Under 18")), ("18_24", _("18–24")), ("25_plus", _("25 and over"))]


def training_figures(enrolments=None) -> dict:
    """Aggregates only (no personal data): three GROUP BY queries whatever the number of rows."""
    enrolments = (enrolments if enrolments is not None else Enrolment.objects.all()).active()
    totals = enrolments.aggregate(
        total=Count("pk"),
        completed=Count("pk", filter=Q(status=Enrolment.Status.COMPLETED)),
        waitlisted=Count("pk", filter=Q(status=Enrolment.Status.WAITLISTED)),
    )
    gender_counts = dict(enrolments.order_by().values_list("gender").annotate(n=Count("pk")))
    band = Case(
        When(age__lt=18, then=Value("under_18")),
        When(age__lt=25, then=Value("18_24")),
        default=Value("25_plus"),
        output_field=CharField(),
    )
    band_counts = dict(enrolments.order_by().annotate(band=band).values_list("band").annotate(n=Count("pk")))
    villages = (
        enrolments.order_by()
        .values("village__code", "village__name_km", "village__name_en")
        .annotate(n=Count("pk"))
        .order_by("-n", "village__code")
    )
    return {
        **totals,
        "by_gender": [(label, gender_counts.get(value, 0)) for value, label in Gender.choices],
        "by_age_band": [(label, band_counts.get(value, 0)) for value, label in AGE_BANDS],
        "by_village": [
            (row["village__name_km"] or row["village__name_en"] or _("Not given"), row["village__code"] or "", row["n"])
            for row in villages
        ],
    }


def graduates_selling(course) -> int:
    """Distinct registry members who completed a session of this course (in any of its
    languages) and have at least one published product on the market. Never counts a protected
    member (minor, or member of a sensitive network). Products are reached through the
    registry's reverse relation: training imports nothing from the marketplace. Shown publicly
    only through networks.disclosure.single_figure."""
    return (
        Member.objects.unprotected()
        .filter(
            Exists(
                Enrolment.objects.filter(
                    member=OuterRef("pk"),
                    status=Enrolment.Status.COMPLETED,
                    session__course__translation_key=course.translation_key,
                )
            ),
            Exists(
                Member._meta.get_field("products").related_model.objects.filter(
                    producer=OuterRef("pk"), status="published"
                )
            ),
        )
        .count()
    )
