"""Admin screens for Cambodia's administrative tree (Province › District › Commune › Village)
and the searchable village chooser."""

from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy
from wagtail.admin.views import generic
from wagtail.admin.views.generic import chooser as chooser_views
from wagtail.admin.viewsets.chooser import ChooserViewSet
from wagtail.admin.viewsets.model import ModelViewSet

from ..filters import VillageChooserFilterForm, geography_filterset
from ..models import Commune, District, Province, Village


class GeographyIndexView(generic.IndexView):
    """Joins the parent level shown in the listing (the viewset passes `parent`)."""

    parent = None

    def get_base_queryset(self):
        queryset = super().get_base_queryset()
        return queryset.select_related(self.parent) if self.parent else queryset


class GeographyViewSet(ModelViewSet):
    """One level of the tree: code and names, plus the parent level when there is one."""

    parent: str | None = None
    add_to_admin_menu = False
    copy_view_enabled = False
    list_per_page = 100
    index_view_class = GeographyIndexView

    @cached_property
    def filterset_class(self):
        return geography_filterset(self.model)

    @cached_property
    def list_display(self):
        return ["name_km", "name_en", "code"] + ([self.parent] if self.parent else [])

    @cached_property
    def list_export(self):
        return ["code", "name_km", "name_en"] + ([f"{self.parent}.code"] if self.parent else [])

    @cached_property
    def form_fields(self):
        return ["code", "name_km", "name_en"] + ([self.parent] if self.parent else [])

    def get_index_view_kwargs(self, **kwargs):
        return super().get_index_view_kwargs(parent=self.parent, **kwargs)


class ProvinceViewSet(GeographyViewSet):
    model = Province
    icon = "site"
    menu_label = gettext_lazy("Provinces")


class DistrictViewSet(GeographyViewSet):
    model = District
    icon = "site"
    menu_label = gettext_lazy("Districts")
    parent = "province"


class CommuneViewSet(GeographyViewSet):
    model = Commune
    icon = "site"
    menu_label = gettext_lazy("Communes")
    parent = "district"


class VillageViewSet(GeographyViewSet):
    model = Village
    icon = "home"
    menu_label = gettext_lazy("Villages")
    parent = "commune"


class VillageChooseView(chooser_views.ChooseView):
    filter_form_class = VillageChooserFilterForm


class VillageChooseResultsView(chooser_views.ChooseResultsView):
    filter_form_class = VillageChooserFilterForm


class VillageChooserViewSet(ChooserViewSet):
    """A searchable chooser: a select of 14,000 villages would weigh a megabyte."""

    model = Village
    icon = "home"
    choose_one_text = gettext_lazy("Choose a village")
    choose_another_text = gettext_lazy("Choose another village")
    edit_item_text = gettext_lazy("Edit this village")
    choose_view_class = VillageChooseView
    choose_results_view_class = VillageChooseResultsView
    per_page = 20
