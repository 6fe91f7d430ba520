"""Catalog filters (django-filter) over upcoming sessions."""

import datetime

import django_filters
from django import forms
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from networks.models import Village

from .models import CourseCategory, CourseSession


def _month_choices(months: int = 12) -> list[tuple[str, str]]:
    today = timezone.localdate()
    choices = []
    year, month = today.year, today.month
    for _step in range(months):
        first = datetime.date(year, month, 1)
        choices.append((first.strftime("%Y-%m"), formats.date_format(first, "YEAR_MONTH_FORMAT")))
        month += 1
        if month > 12:
            year, month = year + 1, 1
    return choices


class CourseSessionFilter(django_filters.FilterSet):
    category = django_filters.ChoiceFilter(
        label=_("Category"), field_name="course__category", choices=CourseCategory.choices, empty_label=_("All")
    )
    month = django_filters.ChoiceFilter(
        label=_("Starting in"), method="filter_month", choices=_month_choices, empty_label=_("Any month")
    )
    venue = django_filters.ModelChoiceFilter(
        label=_("Venue"),
        field_name="venue_village",
        queryset=Village.objects.filter(training_sessions__isnull=False).distinct().order_by("name_km"),
        empty_label=_("Anywhere"),
    )
    seats_left = django_filters.BooleanFilter(
        label=_("Only sessions with seats left"), method="filter_seats_left", widget=forms.CheckboxInput
    )

    class Meta:
        model = CourseSession
        fields: list = []

    def filter_month(self, queryset, name, value):
        if not value:
            return queryset
        year, month = (int(part) for part in value.split("-"))
        return queryset.filter(start_date__year=year, start_date__month=month)

    def filter_seats_left(self, queryset, name, value):
        # The queryset comes annotated by CourseSessionQuerySet.with_seats().
        return queryset.filter(seats_left__gt=0) if value else queryset
