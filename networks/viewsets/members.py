"""The member registry's admin screens: listing with filters and export, inspect, edit with
inline memberships, delete, history, usage, CSV import and anonymisation.

Privacy: every screen follows the member permission policy (networks/permissions.py, through
accounts.admin_views): a registry officer never lists, exports or opens a protected member
(minor, or member of a sensitive network) — any page about one is a 404. Reading, exporting or
changing a protected member is logged."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.tables import BooleanColumn, Column, TitleColumn
from wagtail.admin.views import generic
from wagtail.admin.widgets.button import Button

from accounts.admin_views import (
    ScopedEditView,
    ScopedIndexView,
    ScopedInspectView,
    ScopedModelViewSet,
    object_for,
)

from ..exceptions import ImportRejected
from ..filters import MemberFilterSet
from ..forms import AnonymiseForm, MemberImportForm
from ..models import Member, Membership
from ..querysets import can_see_protected
from ..services import (
    LOG_EXPORT,
    LOG_VIEW,
    MEMBER_DETAIL_FIELDS,
    import_template_csv,
    log_protected_access,
    member_anonymise,
    members_import,
)


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


class MemberIndexView(ScopedIndexView):
    def get_base_queryset(self):
        return (
            super()
            .get_base_queryset()
            .with_protection()
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


class MemberInspectView(ScopedInspectView):
    def get(self, request, *args, **kwargs):
        log_protected_access(user=request.user, members=[self.object], action=LOG_VIEW)
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


class MemberEditView(ScopedEditView):
    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        log_protected_access(user=request.user, members=[self.object], action=LOG_VIEW)
        return response


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


class MemberAnonymiseView(generic.WagtailAdminTemplateMixin, FormView):
    template_name = "networks/admin/anonymise.html"
    form_class = AnonymiseForm
    page_title = gettext_lazy("Anonymise member")
    header_icon = "warning"

    def dispatch(self, request, pk, *args, **kwargs):
        if not request.user.has_perm("networks.anonymise_member"):
            raise PermissionDenied
        self.object = object_for(request.user, Member.objects.filter(is_anonymised=False), pk, "change")
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


class MemberViewSet(ScopedModelViewSet):
    model = Member
    icon = "user"
    menu_label = gettext_lazy("Members")
    add_to_admin_menu = False
    copy_view_enabled = False
    inspect_view_enabled = True
    index_view_class = MemberIndexView
    inspect_view_class = MemberInspectView
    edit_view_class = MemberEditView
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
        *MEMBER_DETAIL_FIELDS,
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
        *MEMBER_DETAIL_FIELDS,
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
