"""Wagtail's generic admin views, made to ask the model's permission policy about the very
record they show.

Wagtail 8.0's generic edit, delete, inspect, history, usage and copy views check model-level
permissions only (`PermissionCheckedMixin`), and its ModelViewSet never calls a
`get_queryset(request)`. Every viewset of a scoped model therefore derives from
`ScopedModelViewSet`: the listing and its exports hold only the records the policy returns for
the user, and every page about one record is a 404 outside the user's scope (its existence is
not confirmed) and a refusal when the record is visible but the action is not allowed.

Custom admin views look their record up with `object_for()`, which applies the same rule."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Model, ProtectedError, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from wagtail.admin.views import generic
from wagtail.admin.views.generic.history import HistoryView
from wagtail.admin.views.generic.usage import UsageView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permissions import policy_registry

from .permissions import VISIBLE_ACTIONS


def check_object(user, instance, action: str | None = None, policy=None) -> None:
    """404 when the record is outside the user's scope; PermissionDenied when it is visible but
    `action` on it is not allowed."""
    policy = policy or policy_registry.get(instance)
    if not policy.user_has_any_permission_for_instance(user, VISIBLE_ACTIONS, instance):
        raise Http404
    if action and not policy.user_has_permission_for_instance(user, action, instance):
        raise PermissionDenied


def object_for(user, model_or_queryset: type[Model] | QuerySet, pk, action: str | None = "change"):
    """The record `pk`, if this user may reach it (and do `action` with it)."""
    instance = get_object_or_404(model_or_queryset, pk=pk)
    check_object(user, instance, action)
    return instance


def visible_queryset(user, model: type[Model]) -> QuerySet:
    """The records of `model` this user may see, as the policy says."""
    return policy_registry.get_by_type(model).instances_user_has_any_permission_for(user, VISIBLE_ACTIONS)


class ObjectPolicyMixin:
    """Check the record a generic view loads against the policy (see `check_object`)."""

    object_action: str | None = None

    def get_object(self, *args, **kwargs):
        instance = super().get_object(*args, **kwargs)
        check_object(self.request.user, instance, self.object_action, self.permission_policy)
        return instance


class ScopedIndexView(generic.IndexView):
    """The listing, its search and its CSV/XLSX exports: only what the policy returns."""

    def get_base_queryset(self):
        visible = self.permission_policy.instances_user_has_any_permission_for(self.request.user, VISIBLE_ACTIONS)
        return super().get_base_queryset().filter(pk__in=visible.values("pk"))


class ScopedEditView(ObjectPolicyMixin, generic.EditView):
    object_action = "change"


class ScopedDeleteView(ObjectPolicyMixin, generic.DeleteView):
    object_action = "delete"

    def delete_action(self):
        # Wagtail refuses records the reference index knows to be protected; the database's
        # PROTECT is the last word where the index is behind (a refusal, not a 500).
        try:
            with transaction.atomic():
                super().delete_action()
        except ProtectedError as error:
            raise PermissionDenied from error


class ScopedInspectView(ObjectPolicyMixin, generic.InspectView):
    pass


class ScopedHistoryView(ObjectPolicyMixin, HistoryView):
    def get_base_queryset(self):
        # The record's log entries, as far as the log model lets this user read them (entries
        # about protected registry members: networks.models.RegistryAwareLogEntry).
        queryset = super().get_base_queryset()
        viewable = queryset.model.objects.viewable_by_user(self.request.user)
        return queryset.filter(pk__in=viewable.values("pk"))


class ScopedUsageView(ObjectPolicyMixin, UsageView):
    object_action = "change"


class ScopedCopyView(ObjectPolicyMixin, generic.CopyView):
    pass


class ScopedModelViewSet(ModelViewSet):
    """A ModelViewSet whose every generic view follows the model's permission policy."""

    index_view_class = ScopedIndexView
    edit_view_class = ScopedEditView
    delete_view_class = ScopedDeleteView
    inspect_view_class = ScopedInspectView
    history_view_class = ScopedHistoryView
    usage_view_class = ScopedUsageView
    copy_view_class = ScopedCopyView
