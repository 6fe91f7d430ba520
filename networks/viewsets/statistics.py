"""The network statistics report (groups, members by gender and age band, joined per year,
by network, group, province or district), with Wagtail's CSV/XLSX export."""

from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.reports import ReportView
from wagtail.admin.viewsets.base import ViewSet
from wagtail.permissions import policy_registry

from ..models import Member, Network
from ..selectors import (
    COLUMNS,
    statistics_by_district,
    statistics_by_group,
    statistics_by_network,
    statistics_by_province,
)

BREAKDOWNS = {
    "network": (gettext_lazy("Network"), statistics_by_network),
    "group": (gettext_lazy("Group"), statistics_by_group),
    "province": (gettext_lazy("Province"), statistics_by_province),
    "district": (gettext_lazy("District"), statistics_by_district),
}


class StatisticsReportView(ReportView):
    results_template_name = "networks/admin/statistics_results.html"
    page_title = gettext_lazy("Network statistics")
    header_icon = "table"
    paginate_by = None
    export_filename = "network-statistics"
    any_permission_required = ["view"]

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.breakdown = request.GET.get("by") if request.GET.get("by") in BREAKDOWNS else "network"
        network_id = request.GET.get("network") or ""
        self.network = Network.objects.filter(pk=network_id).first() if network_id.isdigit() else None

    @property
    def permission_policy(self):
        # The report is about members: whoever may view members may read their aggregates.
        return policy_registry.get_by_type(Member)

    def get_index_url(self):
        return reverse("networks_statistics:index")

    def get_index_results_url(self):
        return reverse("networks_statistics:results")

    @cached_property
    def columns(self):
        # Joined per year gets its own table below (years as columns); exports carry it as text.
        return [Column("label", label=BREAKDOWNS[self.breakdown][0])] + [
            Column(name, label=label) for name, label in COLUMNS
        ]

    @property
    def list_export(self):
        return ["label"] + [name for name, _label in COLUMNS] + ["joined_per_year_display"]

    @property
    def export_headings(self):
        headings = {"label": str(BREAKDOWNS[self.breakdown][0]), "joined_per_year_display": _("Joined per year")}
        headings.update({name: str(label) for name, label in COLUMNS})
        return headings

    def get_queryset(self):
        label, selector = BREAKDOWNS[self.breakdown]
        rows = selector() if self.breakdown == "network" else selector(network=self.network)
        for row in rows:
            row.joined_per_year_display = ", ".join(f"{year}: {count}" for year, count in row.joined_per_year.items())
        return rows

    def filter_queryset(self, queryset):
        return queryset

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["breakdowns"] = [(key, label) for key, (label, _selector) in BREAKDOWNS.items()]
        context["breakdown"] = self.breakdown
        context["networks"] = Network.objects.all()
        context["network"] = self.network
        rows = context.get("object_list") or []
        years = sorted({year for row in rows for year in row.joined_per_year})
        context["joined_years"] = years
        context["joined_rows"] = [(row.label, [row.joined_per_year.get(year, 0) for year in years]) for row in rows]
        return context


class StatisticsViewSet(ViewSet):
    name = "networks_statistics"
    url_prefix = "networks/statistics"
    icon = "table"
    menu_label = gettext_lazy("Statistics")
    add_to_admin_menu = False

    def get_urlpatterns(self):
        return [
            path("", StatisticsReportView.as_view(), name="index"),
            path("results/", StatisticsReportView.as_view(results_only=True), name="results"),
        ]

    def get_menu_item(self, order=None):
        return PermissionMenuItem(
            label=self.menu_label, url=self.menu_url, name=self.menu_name, icon_name=self.menu_icon, order=order or 0
        )


class PermissionMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("networks.view_member")
