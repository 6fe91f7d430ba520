from wagtail import hooks

from .viewsets import DeliveryViewSet


@hooks.register("register_admin_viewset")
def register_delivery_viewset():
    return DeliveryViewSet("notification_deliveries")
