"""Who may record money as received for an order, and refund it: decided here only. The
mark-paid view, the admin screen, My shop's "Record payment" link and the services all ask
`can_mark_paid`."""

from accounts.models import normalise_phone
from accounts.roles import GROUP_COORDINATOR, has_role
from networks.models import Membership

COORDINATING_ROLES = [Membership.Role.LEADER, Membership.Role.DEPUTY, Membership.Role.TREASURER]


def is_order_buyer(user, order) -> bool:
    """The buyer, whether the order is linked to her account or only carries her contact."""
    if order.buyer_id and order.buyer_id == user.pk:
        return True
    if user.email and order.buyer_email and user.email.strip().lower() == order.buyer_email.strip().lower():
        return True
    phone = getattr(user, "phone", "")
    return bool(phone and order.buyer_phone and normalise_phone(order.buyer_phone) == phone)


def coordinated_group_ids(user) -> set[int]:
    """The groups this user leads, deputises or keeps the money of (one query, cached on the
    user object for the request)."""
    cached = getattr(user, "_coordinated_group_ids", None)
    if cached is None:
        cached = set(
            Membership.objects.filter(member__user=user, left__isnull=True, role__in=COORDINATING_ROLES).values_list(
                "group_id", flat=True
            )
        )
        user._coordinated_group_ids = cached
    return cached


def order_group_ids(order) -> set[int]:
    return {fulfilment.group_id for fulfilment in order.fulfilments.all()}


def is_payments_staff(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.has_perm("payments.mark_paid"))


def can_mark_paid(user, order, fulfilment=None) -> bool:
    """Staff with `payments.mark_paid`, or the coordinator (leader, deputy, treasurer) of a group
    that fulfils part of the order (of that part's group, when `fulfilment` is given) — never the
    buyer herself."""
    if not user or not user.is_authenticated or not user.is_active:
        return False
    if is_order_buyer(user, order):
        return False
    if user.has_perm("payments.mark_paid"):
        return True
    if not has_role(user, GROUP_COORDINATOR):
        return False
    groups = coordinated_group_ids(user)
    if fulfilment is not None:
        return fulfilment.group_id in groups
    return bool(groups & order_group_ids(order))


def can_refund(user) -> bool:
    return bool(user and user.is_authenticated and user.has_perm("payments.refund_payment"))
