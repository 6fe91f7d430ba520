"""Wagtail admin screens: staff moderate products and manage orders, fulfilments and
inquiries, with filters, CSV/XLSX export and inspect views.

Object scope: Wagtail 8.0.1's generic edit/delete/inspect views check only model-level
permissions, so every view here narrows the listing (get_base_queryset) and the object lookup
(get_object) to the user's producer groups unless the user is staff (Editor/Administrator).
Orders are never created or deleted here: stock is reserved and released by the services."""

import django_filters
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.ui.menus import MenuItem
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.views import generic
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from accounts.roles import ADMINISTRATOR, EDITOR, has_role
from networks.models import Group

from .exceptions import InvalidTransition, MarketplaceError
from .models import Category, Fulfilment, Inquiry, Order, Product
from .querysets import shop_group_ids
from .services import fulfilment_set_status, order_cancel, order_complete


def is_market_staff(user) -> bool:
    return has_role(user, EDITOR, ADMINISTRATOR)


class GroupScopedMixin:
    """Limit a generic view to the user's producer groups (staff see everything)."""

    group_lookup = "group_id__in"

    def scope(self, queryset):
        user = self.request.user
        if is_market_staff(user):
            return queryset
        return queryset.filter(**{self.group_lookup: shop_group_ids(user)}).distinct()

    def get_base_queryset(self):
        return self.scope(super().get_base_queryset())

    def get_object(self, queryset=None):
        obj = super().get_object(queryset) if queryset is not None else super().get_object()
        if not self.scope(type(obj)._default_manager.filter(pk=obj.pk)).exists():
            raise Http404
        return obj


def scoped_views(lookup: str) -> dict:
    """Index/edit/delete/inspect view classes that apply GroupScopedMixin with this lookup."""
    attrs = {"group_lookup": lookup}
    return {
        "index_view_class": type("ScopedIndexView", (GroupScopedMixin, generic.IndexView), attrs),
        "edit_view_class": type("ScopedEditView", (GroupScopedMixin, generic.EditView), attrs),
        "delete_view_class": type("ScopedDeleteView", (GroupScopedMixin, generic.DeleteView), attrs),
        "inspect_view_class": type("ScopedInspectView", (GroupScopedMixin, generic.InspectView), attrs),
    }


class NoCreateDeletePolicy(ModelPermissionPolicy):
    """Orders and fulfilments are created by checkout and never deleted (they are records)."""

    def user_has_permission(self, user, action):
        if action in ("add", "delete"):
            return False
        return super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)


register_permission_policy(Order, NoCreateDeletePolicy(Order), exact_class=True)
register_permission_policy(Fulfilment, NoCreateDeletePolicy(Fulfilment), exact_class=True)


class CategoryViewSet(ModelViewSet):
    model = Category
    icon = "tag"
    menu_label = _("Categories")
    list_display = ["name_km", "name_en", "parent", "sort_order"]
    list_filter = ["parent"]
    form_fields = ["parent", "name_km", "name_en", "slug", "sort_order"]
    copy_view_enabled = False


class ProductFilterSet(WagtailFilterSet):
    q = django_filters.CharFilter(label=_("Keyword"), method="filter_keyword")
    group = django_filters.ModelChoiceFilter(
        label=_("Producer group"), queryset=Group.objects.filter(network__slug="producer-group")
    )

    class Meta:
        model = Product
        fields = ["q", "status", "category", "group", "unit"]

    def filter_keyword(self, queryset, name, value):
        return queryset.search(value)


class ProductViewSet(ModelViewSet):
    model = Product
    icon = "pick"
    menu_label = _("Products")
    filterset_class = ProductFilterSet
    list_display = ["title_km", "title_en", "group", "producer", "price", "stock", "status", DateColumn("created_at")]
    list_export = [
        "pk",
        "title_km",
        "title_en",
        "group",
        "producer",
        "category",
        "unit",
        "price",
        "stock",
        "minimum_order",
        "available_from",
        "status",
        "created_at",
    ]
    export_filename = "products"
    inspect_view_enabled = True
    copy_view_enabled = False
    list_per_page = 50
    # Moderation queue first: pending review, then newest.
    ordering = ["-created_at"]

    def __init__(self, *args, **kwargs):
        for name, view_class in scoped_views("group_id__in").items():
            setattr(self, name, view_class)
        super().__init__(*args, **kwargs)

    def get_queryset(self, request):
        return Product.objects.select_related("group", "producer", "category")


class OrderFilterSet(WagtailFilterSet):
    reference = django_filters.CharFilter(label=_("Reference"), lookup_expr="icontains")
    created_at = django_filters.DateFromToRangeFilter(label=_("Placed"), widget=DateRangePickerWidget)

    class Meta:
        model = Order
        fields = ["reference", "status", "payment_method", "delivery_method", "created_at"]


class OrderIndexView(GroupScopedMixin, generic.IndexView):
    group_lookup = "fulfilments__group_id__in"

    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        if self.permission_policy.user_has_permission(self.request.user, "change"):
            if instance.can_move_to(Order.Status.CANCELLED):
                buttons.append(
                    MenuItem(
                        _("Cancel order"), url=reverse("market_order:cancel", args=[instance.pk]), icon_name="cross"
                    )
                )
            if instance.can_move_to(Order.Status.COMPLETED):
                buttons.append(
                    MenuItem(
                        _("Mark completed"), url=reverse("market_order:complete", args=[instance.pk]), icon_name="tick"
                    )
                )
        return buttons


class OrderViewSet(ModelViewSet):
    model = Order
    icon = "list-ul"
    menu_label = _("Orders")
    url_namespace = "market_order"
    filterset_class = OrderFilterSet
    index_view_class = OrderIndexView
    list_display = [
        "reference",
        "buyer_name",
        "buyer_phone",
        Column("status", label=_("status"), accessor="get_status_display"),
        Column("payment_method", label=_("payment method"), accessor="get_payment_method_display"),
        "total",
        DateColumn("created_at", label=_("placed")),
    ]
    list_export = [
        "reference",
        "created_at",
        "status",
        "buyer_name",
        "buyer_phone",
        "buyer_email",
        "delivery_method",
        "delivery_address",
        "payment_method",
        "currency",
        "total",
        "paid_at",
    ]
    export_filename = "orders"
    # Staff may correct the buyer's contact details; status moves only through the actions.
    form_fields = ["buyer_name", "buyer_phone", "buyer_email", "delivery_address"]
    inspect_view_enabled = True
    inspect_view_fields = [
        "reference",
        "status",
        "buyer_name",
        "buyer_phone",
        "buyer_email",
        "delivery_method",
        "delivery_address",
        "payment_method",
        "currency",
        "total",
        "paid_at",
        "expires_at",
        "cancelled_reason",
        "created_at",
    ]
    copy_view_enabled = False

    def __init__(self, *args, **kwargs):
        scoped = scoped_views("fulfilments__group_id__in")
        self.edit_view_class = scoped["edit_view_class"]
        self.inspect_view_class = scoped["inspect_view_class"]
        super().__init__(*args, **kwargs)

    def get_queryset(self, request):
        return Order.objects.all()

    def action_view(self, request, pk, action):
        if not self.permission_policy.user_has_permission(request.user, "change"):
            raise PermissionDenied
        queryset = Order.objects.all()
        if not is_market_staff(request.user):
            queryset = queryset.filter(fulfilments__group_id__in=shop_group_ids(request.user)).distinct()
        order = get_object_or_404(queryset, pk=pk)
        if request.method == "POST":
            try:
                if action == "cancel":
                    order_cancel(order=order, actor=request.user, reason=request.POST.get("reason", "")[:200])
                else:
                    order_complete(order=order, actor=request.user)
            except (InvalidTransition, MarketplaceError):
                messages.error(request, _("That change is not possible for this order."))
            else:
                messages.success(request, _("Order %(reference)s updated.") % {"reference": order.reference})
            return redirect(self.get_url_name("index"))
        return TemplateResponse(
            request,
            "marketplace/admin/order_action.html",
            {"order": order, "action": action, "index_url": reverse(self.get_url_name("index"))},
        )

    def cancel_view(self, request, pk):
        return self.action_view(request, pk, "cancel")

    def complete_view(self, request, pk):
        return self.action_view(request, pk, "complete")

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [
            path("<int:pk>/cancel/", self.cancel_view, name="cancel"),
            path("<int:pk>/complete/", self.complete_view, name="complete"),
        ]


class FulfilmentIndexView(GroupScopedMixin, generic.IndexView):
    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        if self.permission_policy.user_has_permission(self.request.user, "change"):
            for status, label in (
                (Fulfilment.Status.READY, _("Mark ready")),
                (Fulfilment.Status.DELIVERED, _("Mark delivered")),
            ):
                if instance.can_move_to(status):
                    buttons.append(
                        MenuItem(
                            label, url=reverse("market_fulfilment:move", args=[instance.pk, status]), icon_name="tick"
                        )
                    )
        return buttons


class FulfilmentViewSet(ModelViewSet):
    model = Fulfilment
    icon = "clipboard-list"
    menu_label = _("Fulfilments")
    url_namespace = "market_fulfilment"
    index_view_class = FulfilmentIndexView
    list_display = ["order", "group", Column("status", label=_("status"), accessor="get_status_display"), "subtotal"]
    list_filter = ["status", "group"]
    list_export = ["order", "group", "status", "subtotal", "updated_at"]
    export_filename = "fulfilments"
    form_fields = []
    inspect_view_enabled = True
    copy_view_enabled = False

    def __init__(self, *args, **kwargs):
        self.edit_view_class = scoped_views("group_id__in")["edit_view_class"]
        self.inspect_view_class = scoped_views("group_id__in")["inspect_view_class"]
        super().__init__(*args, **kwargs)

    def get_queryset(self, request):
        return Fulfilment.objects.select_related("order", "group")

    def move_view(self, request, pk, status):
        if not self.permission_policy.user_has_permission(request.user, "change"):
            raise PermissionDenied
        queryset = Fulfilment.objects.all()
        if not is_market_staff(request.user):
            queryset = queryset.filter(group_id__in=shop_group_ids(request.user))
        fulfilment = get_object_or_404(queryset, pk=pk)
        if request.method == "POST":
            try:
                fulfilment_set_status(fulfilment=fulfilment, status=status, actor=request.user)
            except (InvalidTransition, MarketplaceError):
                messages.error(request, _("That change is not possible for this order."))
            else:
                messages.success(request, _("Fulfilment updated."))
            return redirect(self.get_url_name("index"))
        return TemplateResponse(
            request,
            "marketplace/admin/fulfilment_action.html",
            {"fulfilment": fulfilment, "status": status, "index_url": reverse(self.get_url_name("index"))},
        )

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [path("<int:pk>/move/<str:status>/", self.move_view, name="move")]


class InquiryViewSet(ModelViewSet):
    model = Inquiry
    icon = "help"
    menu_label = _("Inquiries")
    url_namespace = "market_inquiry"
    list_display = ["name", "phone", "group", "product", "quantity", "status", DateColumn("created_at")]
    list_filter = ["status", "group"]
    list_export = [
        "created_at",
        "name",
        "phone",
        "email",
        "group",
        "product",
        "quantity",
        "wanted_by",
        "message",
        "reply",
        "status",
    ]
    export_filename = "inquiries"
    form_fields = ["reply", "status"]
    inspect_view_enabled = True
    copy_view_enabled = False

    def __init__(self, *args, **kwargs):
        for name, view_class in scoped_views("group_id__in").items():
            setattr(self, name, view_class)
        super().__init__(*args, **kwargs)


class MarketplaceViewSetGroup(ViewSetGroup):
    menu_label = _("Marketplace")
    menu_icon = "pick"
    menu_order = 250
    items = (
        ProductViewSet("market_product"),
        OrderViewSet("market_order"),
        FulfilmentViewSet("market_fulfilment"),
        InquiryViewSet("market_inquiry"),
        CategoryViewSet("market_category"),
    )
