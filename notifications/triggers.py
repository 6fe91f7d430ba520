"""What each fact of the marketplace and the Skills Center means to whom: the callers
(marketplace/notifications.py, training/notifications.py, payments' settle step) call one
function here after commit, and each function calls `notify` once per person.

Messages carry only what the recipient needs: a group hears which goods of ITS part to prepare,
never the buyer's phone or address; a buyer hears which group and where to pick up."""

from django.db.models import Q
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from .recipients import Recipient
from .services import notify

GROUP_ROLES = ("leader", "deputy")  # the coordinators


def site_url(path: str) -> str:
    """Absolute link on the public base URL (cms.links, PUBLIC_BASE_URL)."""
    from cms.links import absolute_url

    return absolute_url(path)


def group_recipients(*, group_id: int, producer_ids=()) -> list[Recipient]:
    """The group's active coordinators, the producers of the goods ordered, and (as before
    these channels existed) every active member who has an account."""
    from networks.models import Membership

    memberships = (
        Membership.objects.filter(group_id=group_id, left__isnull=True)
        .filter(Q(role__in=GROUP_ROLES) | Q(member_id__in=list(producer_ids)) | Q(member__user__isnull=False))
        .select_related("member__user")
        .order_by("member_id")
    )
    seen, recipients = set(), []
    for membership in memberships:
        if membership.member_id not in seen:
            seen.add(membership.member_id)
            recipients.append(Recipient.for_member(membership.member))
    return recipients


def _quantity(value) -> str:
    text = f"{value.normalize():f}"
    return text


def _fulfilment_lines(order, fulfilment) -> list:
    return [line for line in order.lines.all() if line.fulfilment_id == fulfilment.pk]


def _items(lines) -> str:
    return ", ".join(f"{_quantity(line.quantity)} {line.get_unit_display()} {line.title}" for line in lines)


def _notify_groups(order, event: str) -> int:
    sent = 0
    for fulfilment in order.fulfilments.select_related("group").all():
        if fulfilment.status == "cancelled":
            continue
        lines = _fulfilment_lines(order, fulfilment)
        with translation.override("km"):
            context = {
                "reference": order.reference,
                "items": _items(lines),
                "url": site_url("/km/my-shop/"),
                "group_id": fulfilment.group_id,
            }
            if event == "order_placed":
                context["delivery"] = str(order.get_delivery_method_display())
                context["next_step"] = (
                    _("Prepare it now.") if order.status == "confirmed" else _("Wait for payment before you prepare.")
                )
        for recipient in group_recipients(
            group_id=fulfilment.group_id, producer_ids={line.product.producer_id for line in lines}
        ):
            sent += (
                notify(event=event, recipient=recipient, context=context, idempotency_key=f"{fulfilment.pk}")
                is not None
            )
    return sent


def order_placed(*, order) -> int:
    """Each producer group of a new order hears about its part."""
    return _notify_groups(order, "order_placed")


def order_paid(*, order) -> int:
    """Each producer group of a paid order: "you can prepare now"."""
    return _notify_groups(order, "order_paid")


def fulfilment_ready(*, fulfilment) -> bool:
    """The buyer: a group's part of her order is ready for pickup."""
    order = fulfilment.order
    group = fulfilment.group
    with translation.override(order.language or "km"):
        place = group.pickup_point if order.delivery_method == "pickup" else order.get_delivery_method_display()
        place = str(place or group)
        when = fulfilment.pickup_label() if order.delivery_method == "pickup" else ""
        context = {
            "reference": order.reference,
            "group": str(group),
            # The day first: an SMS may shorten the place.
            "place": f"{when} · {place}" if when else place,
            "url": site_url(order.get_absolute_url()),
            "group_id": group.pk,
        }
    return (
        notify(
            event="order_ready",
            recipient=Recipient.for_order_buyer(order),
            context=context,
            idempotency_key=f"{fulfilment.pk}",
        )
        is not None
    )


def waitlist_promoted(*, enrolment, url: str) -> bool:
    """The learner whose waiting-list place became a seat."""
    session = enrolment.session
    recipient = Recipient.for_enrolment(enrolment)
    with translation.override(recipient.language):
        start = formats.date_format(session.start_date, "SHORT_DATE_FORMAT")
        course = session.course.localized.title
    return (
        notify(
            event="waitlist_promoted",
            recipient=recipient,
            context={"name": enrolment.name, "course": course, "start": start, "url": url},
            idempotency_key=f"{enrolment.pk}",
        )
        is not None
    )


def quote_answered(*, quote, url: str, price: str = "", quantity: str = "") -> bool:
    """The trader whose request a group answered: an offer (price and quantity as the
    marketplace words them, validity) or a refusal with its reason. Each answer once (a revised
    offer is a new answer)."""
    with translation.override("km"):
        context = {"name": quote.name, "group": str(quote.group), "product": str(quote.subject), "url": url}
        if quote.status == "declined":
            event = "quote_declined"
            context["reason"] = quote.reply
        else:
            event = "quote_offered"
            context["price"] = price
            context["quantity"] = quantity
            context["valid_until"] = formats.date_format(timezone.localtime(quote.valid_until), "SHORT_DATETIME_FORMAT")
    context["group_id"] = quote.group_id
    answered = quote.replied_at.isoformat() if quote.replied_at else ""
    return (
        notify(
            event=event,
            recipient=Recipient.for_quote(quote),
            context=context,
            idempotency_key=f"{quote.pk}:{answered}",
        )
        is not None
    )
