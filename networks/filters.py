"""Admin listing filters (django-filter). Search is a plain text filter: Wagtail's search_fields
on a viewset crash on SQLite (django-modelsearch issue 47), and names and phones are matched as
substrings anyway (Khmer has no spaces between words)."""

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.forms.choosers import BaseFilterForm

from accounts import phone as phones

from .models import District, Group, Meeting, Member, Membership, Network, Province
from .querysets import AgeBand, age_band_q

AGE_BAND_CHOICES = [
    (AgeBand.UNDER_18.value, _("Under 18")),
    (AgeBand.AGE_18_24.value, _("18–24")),
    (AgeBand.AGE_25_PLUS.value, _("25 and over")),
    (AgeBand.UNKNOWN.value, _("Age unknown")),
]


def name_or_phone_q(value: str) -> Q:
    value = value.strip()
    condition = Q(name_km__icontains=value) | Q(name_latin__icontains=value)
    # A whole number in any spelling, or the digits of a part of one.
    digits = phones.normalise(value) or "".join(ch for ch in value if ch.isdigit())
    if len(digits) >= 3:
        condition |= Q(phone__contains=digits)
    return condition


class MemberFilterSet(WagtailFilterSet):
    q = django_filters.CharFilter(label=_("Name or phone"), method="filter_q")
    network = django_filters.ModelChoiceFilter(
        label=_("Network"), queryset=Network.objects.all(), method="filter_network"
    )
    group = django_filters.ModelChoiceFilter(
        label=_("Group"), queryset=Group.objects.select_related("network"), method="filter_group"
    )
    gender = django_filters.ChoiceFilter(label=_("Gender"), choices=Member.Gender.choices)
    age_band = django_filters.ChoiceFilter(label=_("Age band"), choices=AGE_BAND_CHOICES, method="filter_age_band")
    province = django_filters.ModelChoiceFilter(
        label=_("Province"), queryset=Province.objects.all(), field_name="village__commune__district__province"
    )
    district = django_filters.ModelChoiceFilter(
        label=_("District"),
        queryset=District.objects.select_related("province"),
        field_name="village__commune__district",
    )
    active = django_filters.BooleanFilter(label=_("Has an active membership"), method="filter_active")

    class Meta:
        model = Member
        fields = ["q", "network", "group", "gender", "age_band", "province", "district", "active"]

    def filter_q(self, queryset, name, value):
        return queryset.filter(name_or_phone_q(value)) if value.strip() else queryset

    def _with_membership(self, queryset, **conditions):
        # Exists() rather than a join: a member of two matching groups is listed once.
        return queryset.filter(Exists(Membership.objects.filter(member=OuterRef("pk"), **conditions)))

    def filter_network(self, queryset, name, value):
        return self._with_membership(queryset, group__network=value) if value else queryset

    def filter_group(self, queryset, name, value):
        return self._with_membership(queryset, group=value) if value else queryset

    def filter_active(self, queryset, name, value):
        if value is None:
            return queryset
        active = Exists(Membership.objects.filter(member=OuterRef("pk"), left__isnull=True))
        return queryset.filter(active if value else ~active)

    def filter_age_band(self, queryset, name, value):
        return queryset.filter(age_band_q(value)) if value else queryset


class GroupFilterSet(WagtailFilterSet):
    q = django_filters.CharFilter(label=_("Name"), method="filter_q")
    province = django_filters.ModelChoiceFilter(
        label=_("Province"), queryset=Province.objects.all(), field_name="commune__district__province"
    )
    district = django_filters.ModelChoiceFilter(
        label=_("District"), queryset=District.objects.select_related("province"), field_name="commune__district"
    )

    class Meta:
        model = Group
        fields = ["q", "network", "level", "province", "district"]

    def filter_q(self, queryset, name, value):
        return queryset.filter(Q(name_km__icontains=value) | Q(name_en__icontains=value)) if value else queryset


class MeetingFilterSet(WagtailFilterSet):
    network = django_filters.ModelChoiceFilter(
        label=_("Network"), queryset=Network.objects.all(), field_name="group__network"
    )

    class Meta:
        model = Meeting
        fields = ["network", "group"]


class GeographyFilterSet(WagtailFilterSet):
    q = django_filters.CharFilter(label=_("Name or code"), method="filter_q")

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name_km__icontains=value) | Q(name_en__icontains=value) | Q(code__startswith=value))


def geography_filterset(model_class):
    meta = type("Meta", (), {"model": model_class, "fields": ["q"]})
    return type(f"{model_class.__name__}FilterSet", (GeographyFilterSet,), {"Meta": meta})


class VillageChooserFilterForm(BaseFilterForm):
    q = forms.CharField(
        label=_("Village name or code"),
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("Search")}),
    )

    def filter(self, objects):
        objects = super().filter(objects)
        value = (self.cleaned_data.get("q") or "").strip()
        if value:
            self.is_searching, self.search_query = True, value
            objects = objects.filter(
                Q(name_km__icontains=value)
                | Q(name_en__icontains=value)
                | Q(code__startswith=value)
                | Q(commune__name_en__icontains=value)
                | Q(commune__district__name_en__icontains=value)
            )
        return objects


__all__ = ["MemberFilterSet", "GroupFilterSet", "MeetingFilterSet", "geography_filterset", "VillageChooserFilterForm"]
