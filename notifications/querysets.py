from django.db import models


class DeliveryQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Staff with the view permission see the log; entries about protected registry members
        follow the registry's rule (Member.objects.visible_to)."""
        from networks.models import Member
        from networks.querysets import can_see_protected

        if not (user and user.is_authenticated and user.has_perm("notifications.view_delivery")):
            return self.none()
        if can_see_protected(user):
            return self
        return self.exclude(member__in=Member.objects.protected().values("pk"))
