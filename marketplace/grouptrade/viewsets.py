"""Wagtail admin: read-only listings (with CSV/XLSX export) of contributions and payouts.
They change only through services (contribution_add/update/delete, payout_record); the My shop
screens for coordinators and treasurers come next."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet

from .models import Contribution, Payout


class ContributionViewSet(ModelViewSet):
    model = Contribution
    icon = "form"
    menu_label = _("Contributions")
    url_prefix = "grouptrade/contributions"
    url_namespace = "grouptrade_contribution"
    inspect_view_enabled = True
    copy_view_enabled = False
    list_display = ["lot", "member", "quantity", "quantity_sold", "grade", "contributed_on", "recorded_by"]
    list_filter = ["grade", "lot"]
    list_export = ["lot", "member", "quantity", "quantity_sold", "grade", "contributed_on", "recorded_by", "created_at"]
    inspect_view_fields = list_export
    form_fields = ["grade"]  # never offered: the policy allows no generic edit

    def get_queryset(self, request):
        return Contribution.objects.select_related("lot__product", "member", "recorded_by")


class PayoutViewSet(ModelViewSet):
    model = Payout
    icon = "tag"
    menu_label = _("Payouts")
    url_prefix = "grouptrade/payouts"
    url_namespace = "grouptrade_payout"
    inspect_view_enabled = True
    copy_view_enabled = False
    list_display = ["member", "group", "amount", "currency", "method", "paid_on", "reference", "paid_by"]
    list_filter = ["method", "group", "currency"]
    list_export = [*list_display, "recorded_by", "created_at"]
    inspect_view_fields = list_export
    form_fields = ["reference"]  # never offered: the policy allows no generic edit

    def get_queryset(self, request):
        return Payout.objects.select_related("member", "group", "paid_by", "recorded_by")


class GroupTradeViewSetGroup(ViewSetGroup):
    menu_label = _("Group trade")
    menu_icon = "group"
    menu_order = 260
    items = (ContributionViewSet, PayoutViewSet)
