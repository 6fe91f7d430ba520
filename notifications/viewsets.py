"""The delivery log in the Wagtail admin: read-only, filtered, for staff with the view
permission; entries about protected registry members follow Member.objects.visible_to."""

import django_filters
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.views.generic import IndexView, InspectView
from wagtail.admin.viewsets.model import ModelViewSet

from .models import Delivery


class DeliveryFilterSet(WagtailFilterSet):
    created_at = django_filters.DateFromToRangeFilter(label=_("Created"), widget=DateRangePickerWidget)

    class Meta:
        model = Delivery
        fields = ["event", "channel", "status", "created_at"]


class DeliveryIndexView(IndexView):
    def get_base_queryset(self):
        return Delivery.objects.visible_to(self.request.user)


class DeliveryInspectView(InspectView):
    def get_object(self, queryset=None):
        try:
            return Delivery.objects.visible_to(self.request.user).get(pk=self.pk)
        except (Delivery.DoesNotExist, ValueError):
            raise Http404 from None


class DeliveryViewSet(ModelViewSet):
    model = Delivery
    icon = "mail"
    menu_label = _("Message log")
    add_to_admin_menu = True
    menu_order = 900
    url_prefix = "notifications/deliveries"
    index_view_class = DeliveryIndexView
    inspect_view_class = DeliveryInspectView
    inspect_view_enabled = True
    copy_view_enabled = False
    filterset_class = DeliveryFilterSet
    list_display = [
        "event",
        Column("channel", label=_("channel"), accessor="get_channel_display"),
        Column("status", label=_("status"), accessor="get_status_display"),
        Column("attempts", label=_("attempts"), accessor="attempts"),
        Column("last_error", label=_("last error"), accessor="last_error"),
        DateColumn("created_at", label=_("created")),
    ]
    inspect_view_fields = [
        "event",
        "channel",
        "status",
        "reason",
        "address",
        "language",
        "subject",
        "body",
        "segments",
        "attempts",
        "last_error",
        "next_attempt_at",
        "created_at",
        "sent_at",
        "attempt_log",
    ]
    form_fields = ["event"]
