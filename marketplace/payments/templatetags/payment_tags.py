from django import template

from accounts.roles import GROUP_COORDINATOR, has_role
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


@register.inclusion_tag("payments/includes/record_payment_link.html", takes_context=True)
def record_payment_link(context, fulfilment):
    """My shop: a "Record payment" link for the group's coordinator on an unpaid offline or
    KHQR order. One membership query per page (cached on the user); the mark-paid view
    checks again."""
    from marketplace.payments.permissions import coordinated_group_ids, is_order_buyer
    from marketplace.payments.services import MANUALLY_CONFIRMED_METHODS

    request = context["request"]
    user = request.user
    order = fulfilment.order
    show = False
    if (
        order.payment_method in MANUALLY_CONFIRMED_METHODS
        and not order.paid_at
        and order.status not in ("cancelled", "refunded")
        and has_role(user, GROUP_COORDINATOR)
        and not is_order_buyer(user, order)
    ):
        if not hasattr(user, "_coordinated_group_ids"):
            user._coordinated_group_ids = coordinated_group_ids(user)
        show = fulfilment.group_id in user._coordinated_group_ids
    url = ""
    if show:
        from django.urls import reverse

        url = f"{reverse('payments:mark_paid', kwargs={'reference': order.reference})}?next={request.path}"
    return {"url": url, "order": order}
