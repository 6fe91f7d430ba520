"""Admin forms: the product form (staff moderation follows Product.STAFF_TRANSITIONS and stamps
the first publication)."""

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.models import get_all_child_relations
from wagtail.admin.forms import WagtailAdminModelForm

from networks.forms import AdultMemberChoiceField
from networks.models import Group, Member

from .permissions import is_market_staff
from .querysets import shop_group_ids


class ProductAdminForm(WagtailAdminModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = self.for_user
        # Producers are current group members, never protected ones (minors are never producers,
        # and the select would show every protected member's id to whoever edits products).
        current_membership = {"memberships__left__isnull": True}
        if user is not None and not is_market_staff(user):
            # Anyone else given admin access lists products only in their own groups.
            groups = shop_group_ids(user)
            if "group" in self.fields:
                self.fields["group"].queryset = Group.objects.filter(pk__in=groups)
            current_membership["memberships__group_id__in"] = groups
        if "producer" in self.fields:
            # Listed: unprotected adults; a minor of the scope is refused with the reason.
            scope = Member.objects.filter(**current_membership).distinct()
            field = AdultMemberChoiceField.replacing(self.fields["producer"], scope)
            field.queryset = field.queryset.filter(pk__in=Member.objects.unprotected().values("pk"))
            self.fields["producer"] = field

    def clean_status(self):
        new_status = self.cleaned_data["status"]
        old_status = self.initial.get("status") if self.instance.pk else None
        if old_status and new_status != old_status:
            allowed = self.instance.STAFF_TRANSITIONS.get(old_status, set())
            if new_status not in allowed:
                raise ValidationError(_("A product cannot go from this status to that one."))
        return new_status

    def save(self, commit=True):
        product = super().save(commit=False)
        if product.status == product.Status.PUBLISHED and not product.published_at:
            product.published_at = timezone.now()
        if not commit:
            return product
        if product.pk is None:
            product.save()
        else:
            # Stock is read-only here (orders reserve it while the form is open; groups change
            # it in My shop under the checkout lock): never write it back from the form.
            # update_fields must name the child relations too (modelcluster commits only those
            # listed), or edited photos would never be saved.
            fields = [f.name for f in product._meta.concrete_fields if not f.primary_key and f.name != "stock"]
            fields += [relation.get_accessor_name() for relation in get_all_child_relations(product)]
            product.save(update_fields=fields)
        self.save_m2m()
        return product
