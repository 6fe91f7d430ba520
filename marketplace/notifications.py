"""Emails to buyers and producer groups, sent through django-tasks (cms.tasks.send_email) so a
slow mail server never blocks a request. Called from services after the transaction commits."""

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from cms.links import absolute_url
from cms.tasks import send_email
from notifications import triggers as notification_triggers

from . import money
from .models import Fulfilment, Order, Quote


def _site_url(path: str) -> str:
    return absolute_url(path)


def group_emails(group_id: int) -> list[str]:
    """Addresses of the group's active members who have an account with an email (and did not
    ask for no messages, notifications.Contact)."""
    from networks.models import Membership

    return sorted(
        set(
            Membership.objects.filter(group_id=group_id, left__isnull=True, member__user__isnull=False)
            .exclude(member__user__email="")
            .exclude(member__user__notification_contact__preference="none")
            .values_list("member__user__email", flat=True)
        )
    )


def _order(order_id: int) -> Order:
    return Order.objects.with_lines().get(pk=order_id)


def order_placed(order_id: int) -> None:
    order = _order(order_id)
    # The buyer is written to in the language she ordered in, with that language's links.
    with translation.override(order.language or "km"):
        if order.buyer_email:
            body = render_to_string(
                "marketplace/email/order_placed.txt", {"order": order, "order_url": _site_url(order.get_absolute_url())}
            )
            send_email.enqueue(
                subject=_("Your order %(reference)s") % {"reference": order.reference},
                body=body,
                to=[order.buyer_email],
            )
    # Each producer group, by each person's channel (Telegram, email, SMS): notifications app.
    notification_triggers.order_placed(order=order)


def order_paid(order_id: int) -> None:
    """An unpaid order was paid: its groups can prepare now (called by the payments' settle step)."""
    notification_triggers.order_paid(order=_order(order_id))


def _notify_group(fulfilment: Fulfilment, subject: str) -> None:
    to = group_emails(fulfilment.group_id)
    if not to:
        return
    lines = [line for line in fulfilment.order.lines.all() if line.fulfilment_id == fulfilment.pk]
    body = render_to_string(
        "marketplace/email/group_order.txt",
        {"order": fulfilment.order, "fulfilment": fulfilment, "lines": lines, "shop_url": _site_url("/km/my-shop/")},
    )
    send_email.enqueue(subject=subject, body=body, to=to)


def _status_subject(order: Order) -> str:
    return _("Order %(reference)s: %(status)s") % {"reference": order.reference, "status": order.get_status_display()}


def order_status_changed(order_id: int) -> None:
    order = _order(order_id)
    with translation.override(order.language or "km"):
        if order.buyer_email:
            body = render_to_string(
                "marketplace/email/order_status.txt", {"order": order, "order_url": _site_url(order.get_absolute_url())}
            )
            send_email.enqueue(subject=_status_subject(order), body=body, to=[order.buyer_email])
    with translation.override("km"):
        for fulfilment in order.fulfilments.all():
            _notify_group(fulfilment, _status_subject(order))


def fulfilment_status_changed(fulfilment_id: int) -> None:
    fulfilment = Fulfilment.objects.select_related("order", "group").get(pk=fulfilment_id)
    order = fulfilment.order
    if fulfilment.status == Fulfilment.Status.READY:
        # Ready for pickup: the buyer hears it by her channel (email, SMS or Telegram).
        notification_triggers.fulfilment_ready(fulfilment=fulfilment)
        return
    with translation.override(order.language or "km"):
        if order.buyer_email:
            body = render_to_string(
                "marketplace/email/fulfilment_status.txt",
                {"order": order, "fulfilment": fulfilment, "order_url": _site_url(order.get_absolute_url())},
            )
            send_email.enqueue(
                subject=_("Order %(reference)s: %(group)s — %(status)s")
                % {"reference": order.reference, "group": fulfilment.group, "status": fulfilment.get_status_display()},
                body=body,
                to=[order.buyer_email],
            )


def quote_requested(quote_id: int) -> None:
    """A new request for a quote: the group's members with an email, in Khmer."""
    quote = Quote.objects.with_related().get(pk=quote_id)
    to = group_emails(quote.group_id)
    if not to:
        return
    with translation.override("km"):
        body = render_to_string(
            "marketplace/email/quote_requested.txt",
            {"quote": quote, "shop_url": _site_url(reverse("marketplace:shop_quote", kwargs={"pk": quote.pk}))},
        )
        send_email.enqueue(subject=_("%(name)s asks for a quote") % {"name": quote.name}, body=body, to=to)


def quote_answered(quote_id: int) -> None:
    # The trader hears of an offer or a refusal by her channel: email when she gave one, else
    # SMS or Telegram (notifications app). An accepted quote is an order: order_placed tells the group.
    quote = Quote.objects.with_related().get(pk=quote_id)
    price = quantity = ""
    if quote.status == Quote.Status.OFFERED and quote.product_id:
        with translation.override("km"):
            unit = quote.product.get_unit_display()
            price = f"{money.format_money(quote.unit_price)} / {unit}"
            quantity = f"{quote.offered_quantity.normalize():f} {unit}"
    notification_triggers.quote_answered(quote=quote, url=_site_url(quote.token_url()), price=price, quantity=quantity)
