"""Catalog filters (django-filter): category, producer group, province/district, price range,
in stock, trained producers, keyword; and the sort order."""

import django_filters
from django import forms
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from networks.models import District, Group, Province

from .models import Category, Product

PRODUCER_NETWORK_SLUG = "producer-group"


class ProductFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="filter_keyword", max_length=100)
    category = django_filters.ModelChoiceFilter(
        label=_("Category"), queryset=Category.objects.select_related("parent"), method="filter_category"
    )
    group = django_filters.ModelChoiceFilter(
        label=_("Producer group"),
        queryset=Group.objects.filter(network__slug=PRODUCER_NETWORK_SLUG),
        field_name="group",
    )
    province = django_filters.ModelChoiceFilter(
        label=_("Province"),
        queryset=Province.objects.filter(districts__communes__groups__network__slug=PRODUCER_NETWORK_SLUG).distinct(),
        field_name="group__commune__district__province",
    )
    district = django_filters.ModelChoiceFilter(
        label=_("District"),
        queryset=District.objects.filter(communes__groups__network__slug=PRODUCER_NETWORK_SLUG).distinct(),
        field_name="group__commune__district",
    )
    price_min = django_filters.NumberFilter(
        label=_("Lowest price"),
        field_name="price",
        lookup_expr="gte",
        widget=forms.NumberInput(attrs={"min": 0, "step": "0.01", "inputmode": "decimal"}),
    )
    price_max = django_filters.NumberFilter(
        label=_("Highest price"),
        field_name="price",
        lookup_expr="lte",
        widget=forms.NumberInput(attrs={"min": 0, "step": "0.01", "inputmode": "decimal"}),
    )
    in_stock = django_filters.BooleanFilter(
        label=_("In stock only"), method="filter_in_stock", widget=forms.CheckboxInput
    )
    trained = django_filters.BooleanFilter(
        label=_("Trained producers only"),
        method="filter_trained",
        widget=forms.CheckboxInput,
        help_text=_("Producers who completed a Skills Center course."),
    )
    sort = django_filters.OrderingFilter(
        label=_("Sort by"),
        fields=(("created_at", "created_at"), ("price", "price")),
        field_labels={"-created_at": _("Newest"), "price": _("Price: low to high"), "-price": _("Price: high to low")},
        empty_label=None,
        choices=[
            ("-created_at", _("Newest")),
            ("price", _("Price: low to high")),
            ("-price", _("Price: high to low")),
        ],
    )

    class Meta:
        model = Product
        fields = ["q", "category", "group", "province", "district", "price_min", "price_max", "in_stock", "trained"]

    @property
    def form(self):
        """The form, its choice lists read from the fragment cache (purged when categories or
        groups change) instead of four queries per catalog view."""
        form = super().form
        if not getattr(form, "_cached_choices", False):
            from django.utils import translation

            from cms.cache import TAG_CATALOG, TAG_REGISTRY, fragment

            names = ("category", "group", "province", "district")

            def compute():
                return {
                    name: [(str(value), str(label)) for value, label in form.fields[name].choices] for name in names
                }

            choices = fragment(f"catalog-choices:{translation.get_language()}", (TAG_CATALOG, TAG_REGISTRY), compute)
            for name in names:
                # Plain ChoiceField setter: django-filter's would wrap the list in a model iterator.
                forms.ChoiceField.choices.__set__(form.fields[name], choices[name])
            form._cached_choices = True
        return form

    def filter_keyword(self, queryset, name, value):
        return queryset.search(value) if value and value.strip() else queryset

    def filter_category(self, queryset, name, value):
        return queryset.filter(Q(category=value) | Q(category__parent=value)) if value else queryset

    def filter_trained(self, queryset, name, value):
        return queryset.by_trained_producers() if value else queryset

    def filter_in_stock(self, queryset, name, value):
        if value:
            return queryset.filter(stock__gt=0, stock__gte=F("minimum_order"))
        return queryset
