"""Who may see or change marketplace records (Wagtail permission policies, registered in
apps.py; the admin viewsets, the product form and the order actions ask them).

- Editors and administrators ("market staff") with the model permissions reach every record.
- Anyone else given admin access and model permissions (a group coordinator an NGO trusts, say)
  reaches only the records of the producer groups they work for (`querysets.shop_group_ids`).
- Orders and fulfilments are written by checkout and the services: never added or deleted in
  the admin, whatever permissions a role holds.
Who may record a payment lives in marketplace/payments/permissions.py."""

from accounts.permissions import RecordsPermissionPolicy, ScopedModelPermissionPolicy
from accounts.roles import ADMINISTRATOR, EDITOR, has_role

from .querysets import shop_group_ids


def is_market_staff(user) -> bool:
    return has_role(user, EDITOR, ADMINISTRATOR)


class GroupScopedPolicy(ScopedModelPermissionPolicy):
    """Records of the user's producer groups (market staff: all)."""

    group_lookup = "group_id__in"

    def scope(self, user, queryset):
        if is_market_staff(user):
            return queryset
        return queryset.filter(**{self.group_lookup: shop_group_ids(user)}).distinct()


class ProductPermissionPolicy(GroupScopedPolicy):
    pass


class QuotePermissionPolicy(GroupScopedPolicy):
    """Quotes change only through their services (the group answers in My shop, the trader
    accepts or withdraws on her quote page): the admin lists, inspects and exports them."""

    def user_has_permission(self, user, action):
        return action not in ("add", "change", "delete") and super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)


class OrderPermissionPolicy(RecordsPermissionPolicy, GroupScopedPolicy):
    group_lookup = "fulfilments__group_id__in"


class FulfilmentPermissionPolicy(RecordsPermissionPolicy, GroupScopedPolicy):
    pass


def register_policies() -> None:
    from wagtail.permissions import register_permission_policy

    from .models import Fulfilment, Order, Product, Quote

    register_permission_policy(Product, ProductPermissionPolicy(Product))
    register_permission_policy(Order, OrderPermissionPolicy(Order), exact_class=True)
    register_permission_policy(Fulfilment, FulfilmentPermissionPolicy(Fulfilment), exact_class=True)
    register_permission_policy(Quote, QuotePermissionPolicy(Quote))
