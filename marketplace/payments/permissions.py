"""Who may record money as received for an order."""

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
    return set(
        Membership.objects.filter(member__user=user, left__isnull=True, role__in=COORDINATING_ROLES).values_list(
            "group_id", flat=True
        )
    )


def order_group_ids(order) -> set[int]:
    return set(order.fulfilments.values_list("group_id", flat=True))


def can_mark_paid(user, order) -> bool:
    """Staff with `payments.mark_paid`, or the coordinator (leader, deputy, treasurer) of a group
    that fulfils part of the order — never the buyer herself."""
    if not user or not user.is_authenticated or not user.is_active:
        return False
    if is_order_buyer(user, order):
        return False
    if user.has_perm("payments.mark_paid"):
        return True
    if not has_role(user, GROUP_COORDINATOR):
        return False
    return bool(coordinated_group_ids(user) & order_group_ids(order))


def can_refund(user) -> bool:
    return bool(user and user.is_authenticated and user.has_perm("payments.refund_payment"))
