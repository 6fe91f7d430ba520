"""Wagtail admin screens for the registry, grouped in one "Networks" menu.

Privacy: Wagtail 8.0.1's generic views check model permissions only, so every member view below
loads its objects through `Member.objects.visible_to(user)`: a registry officer gets a 404 for a
protected member (minor, or member of a sensitive network) in listing, inspect, edit, delete,
history, usage and export alike. Reading or changing a protected member is logged."""

from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.tables import BooleanColumn, Column, TitleColumn
from wagtail.admin.views import generic
from wagtail.admin.views.generic import chooser as chooser_views
from wagtail.admin.views.generic.history import HistoryView
from wagtail.admin.views.generic.usage import UsageView
from wagtail.admin.views.reports import ReportView
from wagtail.admin.viewsets.base import ViewSet, ViewSetGroup
from wagtail.admin.viewsets.chooser import ChooserViewSet
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import Button

from .exceptions import ImportRejected
from .filters import (
    GroupFilterSet,
    MeetingFilterSet,
    MemberFilterSet,
    VillageChooserFilterForm,
    geography_filterset,
)
from .forms import AnonymiseForm, MemberImportForm
from .models import Commune, District, Group, Meeting, Member, Membership, Network, Province, Village
from .querysets import can_see_protected
from .selectors import (
    COLUMNS,
    statistics_by_district,
    statistics_by_group,
    statistics_by_network,
    statistics_by_province,
)
from .services import (
    LOG_EXPORT,
    LOG_VIEW,
    import_template_csv,
    log_protected_access,
    member_anonymise,
    members_import,
)


# -- members ----------------------------------------------------------------------------------
class MemberForm(WagtailAdminModelForm):
    """Refuses to make a member protected (a minor, or in a sensitive network's group) for
    someone who could not see the result."""

    def is_valid(self):
        valid = super().is_valid()
        if not valid or can_see_protected(self.for_user):
            return valid
        probe = Member(
            date_of_birth=self.cleaned_data.get("date_of_birth"), birth_year=self.cleaned_data.get("birth_year")
        )
        groups = [
            form.cleaned_data.get("group")
            for form in self.formsets["memberships"].forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        if probe.is_minor or any(group and group.network.is_sensitive for group in groups):
            self.add_error(
                None,
                _("Only safeguarding officers can register minors or members of a sensitive network."),
            )
            return False
        return True


class VisibleMembersMixin:
    """Objects come from the members this user may see; protected reads are logged."""

    def visible_members(self):
        return Member.objects.visible_to(self.request.user)

    def log_read(self, member):
        log_protected_access(user=self.request.user, members=[member], action=LOG_VIEW)


class MemberIndexView(VisibleMembersMixin, generic.IndexView):
    def get_base_queryset(self):
        return (
            self.visible_members()
            .select_related("village__commune__district__province")
            .prefetch_related(Prefetch("memberships", queryset=Membership.objects.select_related("group__network")))
        )

    @cached_property
    def columns(self):
        columns = list(super().columns)
        if can_see_protected(self.request.user):
            # Opening these records is logged; say which they are.
            columns.append(BooleanColumn("protected", label=_("Protected")))
        return columns

    @cached_property
    def header_more_buttons(self):
        buttons = list(super().header_more_buttons)
        if self.request.user.has_perm("networks.import_member"):
            buttons.append(
                Button(_("Import CSV"), url=reverse("networks_member:import"), icon_name="upload", priority=80)
            )
        return buttons

    def as_spreadsheet(self, queryset, spreadsheet_format):
        # The export holds every row of the filtered listing: log each protected one.
        log_protected_access(user=self.request.user, members=list(queryset), action=LOG_EXPORT)
        return super().as_spreadsheet(queryset, spreadsheet_format)


class MemberInspectView(VisibleMembersMixin, generic.InspectView):
    def get_object(self, queryset=None):
        return get_object_or_404(self.visible_members(), pk=unquote(str(self.pk)))

    def get(self, request, *args, **kwargs):
        self.log_read(self.object)
        return super().get(request, *args, **kwargs)

    @cached_property
    def header_more_buttons(self):
        buttons = list(super().header_more_buttons)
        if self.request.user.has_perm("networks.anonymise_member") and not self.object.is_anonymised:
            buttons.append(
                Button(
                    _("Anonymise"),
                    url=reverse("networks_member:anonymise", args=[self.object.pk]),
                    icon_name="warning",
                    priority=30,
                )
            )
        return buttons


class MemberEditView(VisibleMembersMixin, generic.EditView):
    def get_object(self, queryset=None):
        return super().get_object(queryset if queryset is not None else self.visible_members())

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        self.log_read(self.object)
        return response


class MemberDeleteView(VisibleMembersMixin, generic.DeleteView):
    def get_object(self, queryset=None):
        if getattr(self, "object", None):
            return self.object
        return super().get_object(queryset if queryset is not None else self.visible_members())


class MemberHistoryView(VisibleMembersMixin, HistoryView):
    def get_base_object_queryset(self):
        return self.visible_members()


class MemberUsageView(VisibleMembersMixin, UsageView):
    def get_base_object_queryset(self):
        return self.visible_members()


class GroupsColumn(Column):
    def get_value(self, instance):
        return instance.group_names


class MemberImportView(generic.WagtailAdminTemplateMixin, FormView):
    template_name = "networks/admin/import.html"
    form_class = MemberImportForm
    page_title = gettext_lazy("Import members")
    header_icon = "upload"
    _show_breadcrumbs = True

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm("networks.import_member"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": reverse("networks_member:index"), "label": _("Members")},
            {"url": "", "label": self.get_page_title()},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["template_url"] = reverse("networks_member:import_template")
        context["may_import_protected"] = can_see_protected(self.request.user)
        return context

    def form_valid(self, form):
        try:
            result = members_import(data=form.cleaned_data["file"].read(), user=self.request.user)
        except ImportRejected as rejected:
            context = self.get_context_data(form=form, import_errors=rejected.errors)
            return self.render_to_response(context, status=400)
        messages.success(
            self.request,
            _("Imported %(members)s members and %(memberships)s memberships.")
            % {"members": result.members, "memberships": result.memberships},
        )
        return redirect("networks_member:index")

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)


def member_import_template(request):
    if not request.user.has_perm("networks.import_member"):
        raise PermissionDenied
    response = HttpResponse(import_template_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="members-import-template.csv"'
    return response


class MemberAnonymiseView(VisibleMembersMixin, generic.WagtailAdminTemplateMixin, FormView):
    template_name = "networks/admin/anonymise.html"
    form_class = AnonymiseForm
    page_title = gettext_lazy("Anonymise member")
    header_icon = "warning"

    def dispatch(self, request, pk, *args, **kwargs):
        if not request.user.has_perm("networks.anonymise_member"):
            raise PermissionDenied
        self.object = get_object_or_404(self.visible_members(), pk=pk, is_anonymised=False)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["object"] = self.object
        context["cancel_url"] = reverse("networks_member:inspect", args=[self.object.pk])
        return context

    def form_valid(self, form):
        member_anonymise(member=self.object, user=self.request.user)
        messages.success(self.request, _("The member was anonymised. Counts are unchanged."))
        return redirect("networks_member:inspect", self.object.pk)


class MemberViewSet(ModelViewSet):
    model = Member
    icon = "user"
    menu_label = gettext_lazy("Members")
    add_to_admin_menu = False
    copy_view_enabled = False
    inspect_view_enabled = True
    index_view_class = MemberIndexView
    inspect_view_class = MemberInspectView
    edit_view_class = MemberEditView
    delete_view_class = MemberDeleteView
    history_view_class = MemberHistoryView
    usage_view_class = MemberUsageView
    filterset_class = MemberFilterSet
    list_per_page = 50
    list_display = [
        TitleColumn("name_km", label=gettext_lazy("Name (Khmer)"), url_name="networks_member:edit"),
        "name_latin",
        "gender",
        "birth_year",
        "village",
        GroupsColumn("groups", label=gettext_lazy("Groups")),
    ]
    list_export = [
        "id",
        "name_km",
        "name_latin",
        "gender",
        "date_of_birth",
        "birth_year",
        "phone",
        "village.code",
        "village.name_en",
        "guardian_name",
        "consent_date",
        "is_anonymised",
        "group_names",
    ]
    export_headings = {"village.code": "village_code", "village.name_en": "village", "group_names": "groups"}
    export_filename = "members"
    inspect_view_fields = [
        "name_km",
        "name_latin",
        "gender",
        "date_of_birth",
        "birth_year",
        "phone",
        "village",
        "guardian_name",
        "consent_date",
        "consent_recorded_by",
        "notes",
        "user",
        "is_anonymised",
        "group_names",
    ]
    edit_handler = ObjectList(
        [
            MultiFieldPanel(
                [FieldRowPanel([FieldPanel("name_km"), FieldPanel("name_latin")]), FieldPanel("gender")],
                heading=gettext_lazy("Name"),
            ),
            FieldRowPanel([FieldPanel("date_of_birth"), FieldPanel("birth_year")], heading=gettext_lazy("Birth")),
            FieldPanel("phone"),
            FieldPanel("village"),
            MultiFieldPanel(
                [FieldPanel("consent_date"), FieldPanel("consent_recorded_by"), FieldPanel("guardian_name")],
                heading=gettext_lazy("Consent"),
            ),
            FieldPanel("notes"),
            FieldPanel("user"),
            InlinePanel("memberships", heading=gettext_lazy("Memberships"), label=gettext_lazy("Membership")),
        ],
        base_form_class=MemberForm,
    )

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [
            path("import/", MemberImportView.as_view(), name="import"),
            path("import/template.csv", member_import_template, name="import_template"),
            path("anonymise/<int:pk>/", MemberAnonymiseView.as_view(), name="anonymise"),
        ]


# -- networks, groups, meetings, geography ----------------------------------------------------
class NetworkViewSet(ModelViewSet):
    model = Network
    icon = "group"
    menu_label = gettext_lazy("Networks")
    add_to_admin_menu = False
    copy_view_enabled = False
    inspect_view_enabled = True
    list_display = ["name_km", "name_en", "slug", "founded", "is_sensitive"]
    list_export = ["name_km", "name_en", "slug", "founded", "is_sensitive"]
    form_fields = ["name_km", "name_en", "slug", "founded", "purpose_km", "purpose_en", "is_sensitive"]


class GroupIndexView(generic.IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("network", "village", "commune__district__province")


class GroupViewSet(ModelViewSet):
    model = Group
    icon = "folder-open-inverse"
    menu_label = gettext_lazy("Groups")
    add_to_admin_menu = False
    copy_view_enabled = False
    inspect_view_enabled = True
    index_view_class = GroupIndexView
    filterset_class = GroupFilterSet
    list_display = ["name_km", "name_en", "id", "network", "level", "village", "commune"]
    list_export = ["id", "name_km", "name_en", "network", "level", "village.code", "commune.code", "founded"]
    form_fields = ["network", "name_km", "name_en", "level", "village", "commune", "founded", "collection_point"]


class MeetingIndexView(generic.IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("group__network")


class MeetingViewSet(ModelViewSet):
    model = Meeting
    icon = "date"
    menu_label = gettext_lazy("Meetings")
    add_to_admin_menu = False
    inspect_view_enabled = True
    index_view_class = MeetingIndexView
    filterset_class = MeetingFilterSet
    list_display = ["group", "date", "topic", "attended_female", "attended_male", "attended_other"]
    list_export = ["group", "date", "topic", "attended_female", "attended_male", "attended_other"]
    form_fields = ["group", "date", "topic", "attended_female", "attended_male", "attended_other"]


def _geography_viewset(model_class, icon, label, parent: str | None, parent_select: str | None):
    attrs = {
        "model": model_class,
        "icon": icon,
        "menu_label": label,
        "add_to_admin_menu": False,
        "copy_view_enabled": False,
        "filterset_class": geography_filterset(model_class),
        "list_display": ["name_km", "name_en", "code"] + ([parent] if parent else []),
        "list_export": ["code", "name_km", "name_en"] + ([f"{parent}.code"] if parent else []),
        "form_fields": ["code", "name_km", "name_en"] + ([parent] if parent else []),
        "list_per_page": 100,
    }
    if parent_select:

        class IndexView(generic.IndexView):
            def get_base_queryset(self):
                return super().get_base_queryset().select_related(parent_select)

        attrs["index_view_class"] = IndexView
    return type(f"{model_class.__name__}ViewSet", (ModelViewSet,), attrs)


ProvinceViewSet = _geography_viewset(Province, "site", gettext_lazy("Provinces"), None, None)
DistrictViewSet = _geography_viewset(District, "site", gettext_lazy("Districts"), "province", "province")
CommuneViewSet = _geography_viewset(Commune, "site", gettext_lazy("Communes"), "district", "district")
VillageViewSet = _geography_viewset(Village, "home", gettext_lazy("Villages"), "commune", "commune")


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


# -- statistics report ------------------------------------------------------------------------
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
        from wagtail.permission_policies import ModelPermissionPolicy

        return ModelPermissionPolicy(Member)

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
        from wagtail.admin.menu import MenuItem

        class PermissionMenuItem(MenuItem):
            def is_shown(self, request):
                return request.user.has_perm("networks.view_member")

        return PermissionMenuItem(
            label=self.menu_label, url=self.menu_url, name=self.menu_name, icon_name=self.menu_icon, order=order or 0
        )


class NetworksViewSetGroup(ViewSetGroup):
    menu_label = gettext_lazy("Networks")
    menu_icon = "group"
    menu_order = 300
    items = (
        MemberViewSet("networks_member", url_prefix="networks/members"),
        GroupViewSet("networks_group", url_prefix="networks/groups"),
        NetworkViewSet("networks_network", url_prefix="networks/networks"),
        MeetingViewSet("networks_meeting", url_prefix="networks/meetings"),
        StatisticsViewSet(),
        ProvinceViewSet("networks_province", url_prefix="networks/provinces"),
        DistrictViewSet("networks_district", url_prefix="networks/districts"),
        CommuneViewSet("networks_commune", url_prefix="networks/communes"),
        VillageViewSet("networks_village", url_prefix="networks/villages"),
    )
