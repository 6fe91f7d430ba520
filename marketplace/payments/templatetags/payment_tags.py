from django import template
from django.urls import reverse

from marketplace.payments import services
from marketplace.payments.models import Payment
from marketplace.payments.permissions import can_mark_paid
from marketplace.payments.providers import get_provider

register = template.Library()


@register.inclusion_tag("payments/includes/order_payment.html")
def order_payment(order):
    """The order page's payment box: receipt when paid, the way to pay otherwise."""
    provider = get_provider(order.payment_method)
    paid = Payment.objects.captured().filter(order=order).first()
    return {
        "order": order,
        "paid": paid,
        "description": provider.describe(order),
        "pay_url": provider.start_url(order) if provider.online and order.status == "pending_payment" else "",
        "receipt_url": order.get_receipt_url(),
    }


@register.inclusion_tag("payments/includes/record_payment_link.html", takes_context=True)
def record_payment_link(context, fulfilment):
    """My shop: a "Record payment" link for the group's coordinator while her part of an
    offline or KHQR order is unpaid. Who may is decided by permissions.can_mark_paid; what is
    left to record by services.parts_to_record."""
    request = context["request"]
    order = fulfilment.order
    url = ""
    if (
        get_provider(order.payment_method).manually_confirmed
        and can_mark_paid(request.user, order, fulfilment)
        and any(
            part is None or part.pk == fulfilment.pk
            for part in services.parts_to_record(order=order, actor=request.user)
        )
    ):
        url = f"{reverse('payments:mark_paid', kwargs={'reference': order.reference})}?next={request.path}"
    return {"url": url, "order": order}
