from wagtail import hooks
from wagtail.permissions import register_permission_policy

from accounts.permissions import ReadOnlyPolicy

from .models import Contribution, Payout
from .viewsets import GroupTradeViewSetGroup

register_permission_policy(Contribution, ReadOnlyPolicy(Contribution))
register_permission_policy(Payout, ReadOnlyPolicy(Payout))


@hooks.register("register_admin_viewset")
def register_grouptrade_viewsets():
    return GroupTradeViewSetGroup()
