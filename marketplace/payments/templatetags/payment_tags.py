from django import template

from marketplace.payments.models import Payment
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
        "receipt_url": _receipt_url(order),
    }


def _receipt_url(order) -> str:
    from django.urls import reverse

    return f"{reverse('payments:receipt', kwargs={'reference': order.reference})}?token={order.access_token}"
