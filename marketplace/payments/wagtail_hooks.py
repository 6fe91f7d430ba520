from wagtail import hooks
from wagtail.permissions import register_permission_policy

from accounts.permissions import ReadOnlyPolicy

from .models import Payment, WebhookEvent
from .viewsets import PaymentsViewSetGroup

register_permission_policy(Payment, ReadOnlyPolicy(Payment))
register_permission_policy(WebhookEvent, ReadOnlyPolicy(WebhookEvent, editable=["change"]))


@hooks.register("register_admin_viewset")
def register_payments_viewsets():
    return PaymentsViewSetGroup()
