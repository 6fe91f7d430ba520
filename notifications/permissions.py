"""Who may read the message log: staff with the view permission, protected members' entries
only for those the registry lets see them. Nobody adds, edits or deletes entries."""

from wagtail.permission_policies.base import ModelPermissionPolicy

from .models import Delivery

READ_ONLY_REFUSED = {"add", "change", "delete"}


class DeliveryPermissionPolicy(ModelPermissionPolicy):
    def user_has_permission(self, user, action):
        if action in READ_ONLY_REFUSED:
            return False
        return super().user_has_permission(user, action)

    def user_has_permission_for_instance(self, user, action, instance):
        if action in READ_ONLY_REFUSED:
            return False
        return Delivery.objects.visible_to(user).filter(pk=instance.pk).exists()

    def instances_user_has_permission_for(self, user, action):
        if action in READ_ONLY_REFUSED:
            return Delivery.objects.none()
        return Delivery.objects.visible_to(user)


def register_policies() -> None:
    from wagtail.permissions import register_permission_policy

    register_permission_policy(Delivery, DeliveryPermissionPolicy(Delivery))
