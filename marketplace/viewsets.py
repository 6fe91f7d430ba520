"""Wagtail admin screens: staff moderate products and manage orders, fulfilments and
trader quotes, with filters, CSV/XLSX export and inspect views.

Every screen of a scoped model follows its permission policy (permissions.py) through
accounts.admin_views: market staff reach every record, anyone else given admin access only the
records of their producer groups. Orders are never created or deleted here (stock is reserved and
released by the services); order and fulfilment statuses move only through the actions below,
and quotes change only through their services (answered in My shop, accepted by the trader)."""

import django_filters
from django.contrib import messages
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.menus import MenuItem
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet

from accounts.admin_views import ScopedIndexView, ScopedModelViewSet, object_for
from networks.models import Group

from .admin_forms import ProductAdminForm
from .exceptions import InvalidTransition, MarketplaceError
from .models import Category, Fulfilment, Order, Product, Quote
from .services import fulfilment_set_status, order_cancel, order_complete


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


class ProductIndexView(ScopedIndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("group", "producer", "category")


class ProductViewSet(ScopedModelViewSet):
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
    ordering = ["-created_at"]
    index_view_class = ProductIndexView
    edit_handler = ObjectList(
        [
            MultiFieldPanel(
                [FieldPanel("producer"), FieldPanel("group"), FieldPanel("category")],
                heading=_("Producer and category"),
            ),
            FieldPanel("title_km"),
            FieldPanel("title_en"),
            FieldPanel("description_km"),
            FieldPanel("description_en"),
            FieldRowPanel([FieldPanel("unit"), FieldPanel("price")]),
            # Read-only: checkouts reserve stock while an editor has the form open; the group
            # sets it in My shop (services.product_set_stock, under the checkout lock).
            FieldRowPanel(
                [FieldPanel("stock", read_only=True), FieldPanel("minimum_order"), FieldPanel("available_from")]
            ),
            FieldPanel("status"),
            InlinePanel("photos", label=_("Photos"), max_num=6),
        ],
        base_form_class=ProductAdminForm,
    )


class OrderFilterSet(WagtailFilterSet):
    reference = django_filters.CharFilter(label=_("Reference"), lookup_expr="icontains")
    created_at = django_filters.DateFromToRangeFilter(label=_("Placed"), widget=DateRangePickerWidget)

    class Meta:
        model = Order
        fields = ["reference", "status", "payment_method", "delivery_method", "created_at"]


class OrderIndexView(ScopedIndexView):
    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        if self.permission_policy.user_has_permission_for_instance(self.request.user, "change", instance):
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


# The order's own details, in the order the export and the inspect view show them.
ORDER_DETAIL_FIELDS = [
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


class OrderViewSet(ScopedModelViewSet):
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
    list_export = ["reference", "created_at", "status", *ORDER_DETAIL_FIELDS]
    export_filename = "orders"
    # Staff may correct the buyer's contact details; status moves only through the actions.
    form_fields = ["buyer_name", "buyer_phone", "buyer_email", "delivery_address"]
    inspect_view_enabled = True
    inspect_view_fields = [
        "reference",
        "status",
        *ORDER_DETAIL_FIELDS,
        "expires_at",
        "cancelled_reason",
        "created_at",
    ]
    copy_view_enabled = False

    def action_view(self, request, pk, action):
        order = object_for(request.user, Order, pk, "change")
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


class FulfilmentIndexView(ScopedIndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("order", "group")

    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        if self.permission_policy.user_has_permission_for_instance(self.request.user, "change", instance):
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


class FulfilmentViewSet(ScopedModelViewSet):
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

    def move_view(self, request, pk, status):
        fulfilment = object_for(request.user, Fulfilment, pk, "change")
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


class QuoteFilterSet(WagtailFilterSet):
    group = django_filters.ModelChoiceFilter(
        label=_("Producer group"), queryset=Group.objects.filter(network__slug="producer-group")
    )

    class Meta:
        model = Quote
        fields = ["status", "group"]


class QuoteIndexView(ScopedIndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().with_related()


class QuoteViewSet(ScopedModelViewSet):
    """Trader quotes, read-only here: the group answers in My shop (services.quote_offer,
    quote_decline) and the trader accepts or withdraws on her quote page, so every change goes
    through a service that locks the quote."""

    model = Quote
    icon = "help"
    menu_label = _("Quotes")
    url_namespace = "market_quote"
    index_view_class = QuoteIndexView
    filterset_class = QuoteFilterSet
    list_display = [
        "name",
        "group",
        Column("subject", label=_("product or category")),
        "quantity",
        "unit_price",
        Column("status", label=_("status"), accessor="get_current_status_display"),
        DateColumn("created_at"),
    ]
    list_export = [
        "created_at",
        "name",
        "phone",
        "email",
        "group",
        "product",
        "category",
        "quantity",
        "target_price",
        "delivery_commune",
        "wanted_by",
        "message",
        "unit_price",
        "offered_quantity",
        "valid_until",
        "reply",
        "status",
        "order",
    ]
    export_filename = "quotes"
    inspect_view_enabled = True
    copy_view_enabled = False
    form_fields = []


class MarketplaceViewSetGroup(ViewSetGroup):
    menu_label = _("Marketplace")
    menu_icon = "pick"
    menu_order = 250
    items = (
        ProductViewSet("market_product"),
        OrderViewSet("market_order"),
        FulfilmentViewSet("market_fulfilment"),
        QuoteViewSet("market_quote"),
        CategoryViewSet("market_category"),
    )
