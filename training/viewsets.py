"""Wagtail admin screens for sessions and enrolments.

Wagtail 8.0.1's generic edit/delete/inspect/history views check model permissions only, so each
of them here looks the object up through the permission policy (a trainer gets 403 on a session
of a course they are not assigned to), and the listings show only what the policy allows."""

from django.core.exceptions import PermissionDenied
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import Column
from wagtail.admin.views import generic
from wagtail.admin.views.generic.history import HistoryView
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup
from wagtail.admin.widgets import ListingButton

from . import admin_views
from .forms import CourseSessionAdminForm
from .models import CourseSession, Enrolment
from .permissions import LINK_MEMBER


class ObjectPermissionMixin:
    """Ask the permission policy about this very object, not only its model. A refusal is a
    real 403 (Wagtail's admin would turn PermissionDenied into a redirect to the dashboard)."""

    object_action = "change"
    denied = False

    def setup(self, request, *args, **kwargs):
        try:
            super().setup(request, *args, **kwargs)
        except PermissionDenied:
            self.denied = True

    def dispatch(self, request, *args, **kwargs):
        if self.denied:
            return admin_views.forbidden(request)
        try:
            return super().dispatch(request, *args, **kwargs)
        except PermissionDenied:
            return admin_views.forbidden(request)

    def get_object(self, queryset=None):
        instance = super().get_object()
        if not self.permission_policy.user_has_permission_for_instance(self.request.user, self.object_action, instance):
            raise PermissionDenied
        return instance


class PolicyFilteredIndexMixin:
    def get_base_queryset(self):
        allowed = self.permission_policy.instances_user_has_any_permission_for(
            self.request.user, ["change", "view"]
        ).values("pk")
        return super().get_base_queryset().filter(pk__in=allowed)


class SessionIndexView(PolicyFilteredIndexMixin, generic.IndexView):
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


class SessionEditView(ObjectPermissionMixin, generic.EditView):
    object_action = "change"


class SessionDeleteView(ObjectPermissionMixin, generic.DeleteView):
    object_action = "delete"


class SessionInspectView(ObjectPermissionMixin, generic.InspectView):
    object_action = "view"


class SessionHistoryView(ObjectPermissionMixin, HistoryView):
    object_action = "change"


class CourseSessionViewSet(ModelViewSet):
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
    edit_view_class = SessionEditView
    delete_view_class = SessionDeleteView
    inspect_view_class = SessionInspectView
    history_view_class = SessionHistoryView
    inspect_view_enabled = True
    copy_view_enabled = False

    def get_form_class(self, for_update=False):
        return CourseSessionAdminForm

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [
            path("roster/<int:pk>/", admin_views.roster, name="roster"),
            path("roster/<int:pk>/certificate/<int:enrolment_pk>/", admin_views.certificate, name="certificate"),
        ]


class EnrolmentIndexView(PolicyFilteredIndexMixin, generic.IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("session__course", "village", "member")

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


class EnrolmentInspectView(ObjectPermissionMixin, generic.InspectView):
    object_action = "view"


class EnrolmentEditView(ObjectPermissionMixin, generic.EditView):
    object_action = "change"


class EnrolmentDeleteView(ObjectPermissionMixin, generic.DeleteView):
    object_action = "delete"


class EnrolmentViewSet(ModelViewSet):
    """The roster across sessions: filter by session and export to CSV/XLSX."""

    model = Enrolment
    icon = "list-ul"
    menu_label = _("Enrolments")
    # The registry link is set through the match view, which hides minors and sensitive
    # networks from staff who are not safeguarding officers; never through a select of members.
    form_fields = ["name", "phone", "email", "gender", "age", "village"]
    list_display = ["name", "phone", "session", "status", "gender", "age", "village", "member"]
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
    edit_view_class = EnrolmentEditView
    delete_view_class = EnrolmentDeleteView
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
