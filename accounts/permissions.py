"""The shape every app's permission policy takes (see marketplace/, networks/ and training/
`permissions.py`).

A Django model permission says whether someone may work with a kind of record at all (it opens
the admin screen); the policy's `scope()` says *which* records: a coordinator's own producer
groups, a trainer's own courses, members who are not protected. Wagtail's permission-policy API
(`user_has_permission_for_instance`, `instances_user_has_permission_for`, …) answers from both,
so the admin viewsets, the public views and the templates all ask the same question."""

from wagtail.permission_policies import ModelPermissionPolicy

# Any of these on a record makes it visible; without them a page about it is a 404.
VISIBLE_ACTIONS = ("view", "change", "delete")


class ScopedModelPermissionPolicy(ModelPermissionPolicy):
    """Model permission ∧ record in the user's scope."""

    def scope(self, user, queryset):
        """Narrow `queryset` to the records this user may reach (subclasses override)."""
        return queryset

    def in_scope(self, user, instance) -> bool:
        if instance.pk is None:
            return True
        return self.scope(user, self.model._default_manager.filter(pk=instance.pk)).exists()

    def user_has_permission_for_instance(self, user, action, instance):
        return self.user_has_permission(user, action) and self.in_scope(user, instance)

    def user_has_any_permission_for_instance(self, user, actions, instance):
        return self.user_has_any_permission(user, actions) and self.in_scope(user, instance)

    def instances_user_has_any_permission_for(self, user, actions):
        return self.scope(user, super().instances_user_has_any_permission_for(user, actions))

    def instances_user_has_permission_for(self, user, action):
        return self.instances_user_has_any_permission_for(user, [action])


class RecordsPermissionPolicy(ScopedModelPermissionPolicy):
    """Records written only by a workflow (orders, fulfilments): never added or deleted in the
    admin, whatever model permissions a role holds."""

    def user_has_permission(self, user, action):
        return action not in ("add", "delete") and super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)


class ReadOnlyPolicy(ModelPermissionPolicy):
    """Records that change only through services (payments, ledgers), never by the generic
    add/edit/delete views; `editable` names the generic actions still allowed."""

    def __init__(self, model, editable=(), **kwargs):
        super().__init__(model, **kwargs)
        self.editable = set(editable)

    def user_has_permission(self, user, action):
        if action in ("add", "change", "delete") and action not in self.editable:
            return False
        return super().user_has_permission(user, action)

    def user_has_permission_for_instance(self, user, action, instance):
        return self.user_has_permission(user, action)
