"""Who may see or change registry records (Wagtail permission policies, registered in apps.py).

Members: the model permissions of the role open the registry; `Member.objects.visible_to(user)`
(querysets.py) decides which members — protected members (minors, members of a sensitive
network) only for safeguarding officers and administrators. The admin viewsets, the training
admin's registry matching and the log entries about members (audit.py) all follow it."""

from accounts.permissions import ScopedModelPermissionPolicy


class MemberPermissionPolicy(ScopedModelPermissionPolicy):
    def scope(self, user, queryset):
        return queryset.visible_to(user)


def register_policies() -> None:
    from wagtail.permissions import register_permission_policy

    from .models import Member

    register_permission_policy(Member, MemberPermissionPolicy(Member))
