"""Wagtail admin screens for sessions and enrolments.

Every generic view follows the permission policies in permissions.py (accounts.admin_views): a
trainer lists only the sessions of their own courses and gets a 404 on any page of another
trainer's session (edit, delete, inspect, history, usage, roster, certificate)."""

from django.db.models import Exists, OuterRef
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import Column
from wagtail.admin.viewsets.model import ModelViewSetGroup
from wagtail.admin.widgets import ListingButton

from accounts.admin_views import ScopedIndexView, ScopedInspectView, ScopedModelViewSet
from networks.models import Member

from . import admin_views
from .forms import CourseSessionAdminForm
from .models import CourseSession, Enrolment
from .permissions import LINK_MEMBER


class SessionIndexView(ScopedIndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("course", "venue_village").with_seats()

    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        buttons.insert(
            0,
            ListingButton(
                _("Roster"), url=reverse("training_sessions:roster", args=[instance.pk]), icon_name="group", priority=5
            ),
        )
        return buttons


class CourseSessionViewSet(ScopedModelViewSet):
    model = CourseSession
    icon = "date"
    menu_label = _("Sessions")
    list_display = [
        "course",
        "start_date",
        "venue_name",
        "status",
        Column("seats_taken", label=_("Seats taken")),
        "capacity",
        Column("waitlist_length", label=_("Waiting list")),
    ]
    list_filter = ["status", "language", "start_date"]
    index_view_class = SessionIndexView
    inspect_view_enabled = True
    copy_view_enabled = False

    def get_form_class(self, for_update=False):
        return CourseSessionAdminForm

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [
            path("roster/<int:pk>/", admin_views.roster, name="roster"),
            path("roster/<int:pk>/certificate/<int:enrolment_pk>/", admin_views.certificate, name="certificate"),
        ]


def registry_members_visible(user):
    """Whether each enrolment's registry member is one this user may see (annotation)."""
    return Exists(Member.objects.visible_to(user).filter(pk=OuterRef("member_id")))


class RegistryMemberColumn(Column):
    def get_value(self, instance):
        return instance.member if instance.member_visible else ""


class EnrolmentIndexView(ScopedIndexView):
    """The registry link is shown (and exported) only where the user may see the member."""

    def get_base_queryset(self):
        return (
            super()
            .get_base_queryset()
            .select_related("session__course", "village", "member")
            .annotate(member_visible=registry_members_visible(self.request.user))
        )

    def to_row_dict(self, item):
        row = super().to_row_dict(item)
        if "member" in row and not item.member_visible:
            row["member"] = ""
        return row

    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        if self.request.user.has_perm(LINK_MEMBER):
            buttons.append(
                ListingButton(
                    _("Match with the registry"),
                    url=reverse("training_enrolments:match", args=[instance.pk]),
                    icon_name="user",
                    priority=15,
                )
            )
        return buttons


class EnrolmentInspectView(ScopedInspectView):
    def get_field_display_value(self, field_name, field):
        if (
            field_name == "member"
            and not Member.objects.visible_to(self.request.user).filter(pk=self.object.member_id).exists()
        ):
            return ""
        return super().get_field_display_value(field_name, field)


class EnrolmentViewSet(ScopedModelViewSet):
    """The roster across sessions: filter by session and export to CSV/XLSX."""

    model = Enrolment
    icon = "list-ul"
    menu_label = _("Enrolments")
    # The registry link is set through the match view, which hides minors and sensitive
    # networks from staff who are not safeguarding officers; never through a select of members.
    form_fields = ["name", "phone", "email", "gender", "age", "village"]
    list_display = [
        "name",
        "phone",
        "session",
        "status",
        "gender",
        "age",
        "village",
        RegistryMemberColumn("member", label=_("registry member")),
    ]
    list_filter = ["session", "status", "gender"]
    list_export = [
        "session",
        "name",
        "phone",
        "email",
        "gender",
        "age",
        "village",
        "status",
        "created_at",
        "completed_at",
        "member",
    ]
    export_filename = "roster"
    index_view_class = EnrolmentIndexView
    inspect_view_class = EnrolmentInspectView
    inspect_view_enabled = True
    copy_view_enabled = False

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [
            path("match/<int:pk>/", admin_views.member_match, name="match"),
            path("figures/", admin_views.figures, name="figures"),
        ]


class TrainingViewSetGroup(ModelViewSetGroup):
    menu_label = _("Training")
    menu_icon = "group"
    items = (CourseSessionViewSet("training_sessions"), EnrolmentViewSet("training_enrolments"))
