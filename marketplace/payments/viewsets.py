"""Wagtail admin: payments (read-only records, refunds, recording money received), provider
notifications (flagged ones first), and the orders still awaiting money."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.views import generic
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import HeaderButton, ListingButton

from marketplace.models import Order

from . import services
from .exceptions import PaymentError
from .forms import MarkPaidForm, RefundForm
from .models import Payment, WebhookEvent
from .permissions import can_mark_paid, can_refund
from .views import record_payment_from_form


class PaymentIndexView(generic.IndexView):
    def get_list_buttons(self, instance):
        buttons = super().get_list_buttons(instance)
        if can_refund(self.request.user) and instance.refundable_amount > 0:
            buttons.insert(
                0,
                ListingButton(
                    _("Refund"), url=reverse("payments_payment:refund", args=[instance.pk]), icon_name="undo"
                ),
            )
        return buttons

    @property
    def header_buttons(self):
        return [
            *super().header_buttons,
            HeaderButton(_("Orders awaiting payment"), url=reverse("payments_payment:awaiting"), icon_name="time"),
        ]

    def get_base_queryset(self):
        return super().get_base_queryset().select_related("order")


class PaymentViewSet(ModelViewSet):
    model = Payment
    icon = "tag"
    menu_label = _("Payments")
    url_prefix = "payments/payments"
    url_namespace = "payments_payment"
    index_view_class = PaymentIndexView
    inspect_view_enabled = True
    copy_view_enabled = False
    list_display = ["order", "provider", "amount", "currency", "status", "amount_refunded", "paid_at", "created_at"]
    list_filter = ["provider", "status", "currency"]
    list_export = [
        "order",
        "provider",
        "amount",
        "currency",
        "status",
        "amount_refunded",
        "provider_reference",
        "paid_at",
        "created_at",
    ]
    inspect_view_fields = [
        "order",
        "provider",
        "amount",
        "currency",
        "status",
        "provider_reference",
        "amount_refunded",
        "failure_message",
        "recorded_by",
        "note",
        "created_at",
        "paid_at",
    ]
    form_fields = ["note"]

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [
            path("refund/<int:pk>/", self.refund_view, name="refund"),
            path("awaiting/", self.awaiting_view, name="awaiting"),
            path("record/<int:order_pk>/", self.record_view, name="record"),
        ]

    def refund_view(self, request, pk):
        if not can_refund(request.user):
            raise PermissionDenied
        payment = get_object_or_404(Payment.objects.select_related("order"), pk=pk)
        form = RefundForm(request.POST or None, payment=payment)
        if request.method == "POST" and form.is_valid():
            try:
                services.payment_refund(payment=payment, actor=request.user, **form.cleaned_data)
            except PaymentError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("Refund recorded."))
                return redirect("payments_payment:index")
        return TemplateResponse(
            request,
            "payments/admin/form.html",
            {
                "form": form,
                "payment": payment,
                "order": payment.order,
                "page_title": _("Refund"),
                "submit": _("Refund"),
            },
        )

    def awaiting_view(self, request):
        if not request.user.has_perm("payments.mark_paid"):
            raise PermissionDenied
        orders = Order.objects.awaiting_payment().order_by("created_at")[:200]
        return TemplateResponse(
            request, "payments/admin/awaiting.html", {"orders": orders, "page_title": _("Orders awaiting payment")}
        )

    def record_view(self, request, order_pk):
        order = get_object_or_404(Order, pk=order_pk)
        if not can_mark_paid(request.user, order):
            raise PermissionDenied
        form = MarkPaidForm(request.POST or None)
        if record_payment_from_form(request, order, form):
            return redirect("payments_payment:awaiting")
        return TemplateResponse(
            request,
            "payments/admin/form.html",
            {"form": form, "order": order, "page_title": _("Record a payment"), "submit": _("Money received")},
        )


class WebhookEventIndexView(generic.IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("order")


class WebhookEventViewSet(ModelViewSet):
    model = WebhookEvent
    icon = "warning"
    menu_label = _("Provider notifications")
    url_prefix = "payments/notifications"
    url_namespace = "payments_webhookevent"
    index_view_class = WebhookEventIndexView
    inspect_view_enabled = True
    copy_view_enabled = False
    list_display = ["received_at", "provider", "type", "event_id", "order", "outcome", "note"]
    list_filter = ["outcome", "provider", "type", "resolved"]
    list_export = ["received_at", "provider", "type", "event_id", "order", "outcome", "note", "resolved"]
    inspect_view_fields = [
        "provider",
        "event_id",
        "type",
        "order",
        "received_at",
        "processed_at",
        "outcome",
        "note",
        "payload",
    ]
    form_fields = ["resolved"]


class PaymentsViewSetGroup(ViewSetGroup):
    menu_label = _("Payments")
    menu_icon = "tag"
    menu_order = 310
    items = (PaymentViewSet, WebhookEventViewSet)
