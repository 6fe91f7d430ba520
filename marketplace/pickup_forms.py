"""My shop's collection-point form: the point's place and phone, and its weekly slots as an
inline formset. The slot rule is the model's (CollectionPoint.slot_problems)."""

from types import SimpleNamespace

from django import forms
from django.db import transaction
from django.forms import BaseInlineFormSet, inlineformset_factory

from accounts import phone as phones
from networks.models import CollectionPoint, PickupSlot


class CollectionPointShopForm(forms.ModelForm):
    class Meta:
        model = CollectionPoint
        fields = ["address", "phone"]
        field_classes = {"phone": phones.PhoneFormField}

    def save_with_slots(self, formset):
        with transaction.atomic():
            point = self.save()
            formset.instance = point
            formset.save()
        return point


class BaseSlotFormSet(BaseInlineFormSet):
    def clean(self):
        super().clean()
        kept = [
            SimpleNamespace(**{name: form.cleaned_data.get(name) for name in ("weekday", "opens", "closes")})
            for form in self.forms
            if getattr(form, "cleaned_data", None) and not form.cleaned_data.get("DELETE")
        ]
        problems = CollectionPoint.slot_problems(kept)
        if problems:
            raise forms.ValidationError(problems)


PickupSlotFormSet = inlineformset_factory(
    CollectionPoint,
    PickupSlot,
    formset=BaseSlotFormSet,
    fields=["weekday", "opens", "closes"],
    extra=2,
    can_delete=True,
    widgets={
        "opens": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        "closes": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    },
)
