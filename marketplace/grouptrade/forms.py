"""My shop forms of group trade. They check the shape of the input (a number, a date, a choice
within the group); the rules (who may contribute, not below what was sold, no back-dated fee,
no payout above what is owed) are the models' and services', whose GroupTradeError a view shows
next to the field it names (GroupTradeError.add_to)."""

from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Contribution, Payout

NUMBER = {"inputmode": "decimal", "step": "any"}
QUANTITY_ERRORS = {
    "invalid": _("Enter a number, for example 2 or 0.5."),
    "max_digits": _("That quantity is too large."),
    "max_decimal_places": _("Use at most 3 decimal places."),
}
AMOUNT_ERRORS = {
    "invalid": _("Enter the amount as a number."),
    "max_digits": _("That amount is too large."),
    "max_decimal_places": _("Enter the amount with at most two decimals."),
}


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class MemberChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, member):
        return str(member)  # names no protected member


def _quantity_field():
    return forms.DecimalField(
        label=_("Quantity"),
        max_digits=12,
        decimal_places=3,
        error_messages=QUANTITY_ERRORS,
        widget=forms.NumberInput(attrs=NUMBER),
    )


class LotFromProductForm(forms.Form):
    """Turn one of the group's products (stock 0) into a pooled lot."""

    product = forms.ModelChoiceField(label=_("Product"), queryset=None, empty_label=None)

    def __init__(self, *args, products, **kwargs):
        super().__init__(*args, auto_id="id_lot_%s", **kwargs)
        self.fields["product"].queryset = products


class ContributionForm(forms.Form):
    """What a member brought, recorded by the coordinator. `members` is who may be chosen (the
    group's members, past ones too, so that the model's refusal is the message shown); `choices`
    is what the list offers (its active adult members)."""

    member = MemberChoiceField(label=_("Member"), queryset=None)
    quantity = _quantity_field()
    grade = forms.ChoiceField(label=_("Quality grade"), choices=Contribution.Grade.choices)
    contributed_on = forms.DateField(label=_("Date brought"), widget=DateInput, initial=timezone.localdate)

    def __init__(self, *args, members, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = members
        self.set_member_choices(choices)

    def set_member_choices(self, choices) -> None:
        self.fields["member"].widget.choices = [("", "---------"), *((member.pk, str(member)) for member in choices)]

    def clean_contributed_on(self):
        day = self.cleaned_data["contributed_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("The date brought cannot be in the future."))
        return day


class ContributionEditForm(forms.Form):
    quantity = _quantity_field()
    grade = forms.ChoiceField(label=_("Quality grade"), choices=Contribution.Grade.choices)


class GroupFeeForm(forms.Form):
    percent = forms.DecimalField(
        label=_("Fee (%)"),
        max_digits=5,
        decimal_places=2,
        error_messages={
            "invalid": _("Enter the fee as a number."),
            "max_digits": _("The fee must be between 0 and 100 %."),
            "max_decimal_places": _("Enter the fee with at most two decimals."),
        },
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.01", "min": "0", "max": "100"}),
    )
    effective_from = forms.DateField(label=_("From"), widget=DateInput, initial=timezone.localdate)

    def __init__(self, *args, group, **kwargs):
        super().__init__(*args, prefix=f"fee-{group.pk}", **kwargs)


class PayoutForm(forms.Form):
    member = MemberChoiceField(label=_("Member"), queryset=None)
    amount = forms.DecimalField(
        label=_("Amount"),
        min_value=Decimal("0"),
        max_digits=12,
        decimal_places=2,
        error_messages={**AMOUNT_ERRORS, "min_value": _("The amount must be more than zero.")},
        widget=forms.NumberInput(attrs=NUMBER),
    )
    method = forms.ChoiceField(
        label=_("Method"), choices=Payout.Method.choices, initial=Payout.Method.CASH, widget=forms.RadioSelect
    )
    paid_on = forms.DateField(label=_("Date paid"), widget=DateInput, initial=timezone.localdate)
    reference = forms.CharField(
        label=_("Reference (optional)"),
        required=False,
        max_length=80,
        help_text=_("For a transfer: the bank's reference."),
    )

    def __init__(self, *args, group, members, choices, **kwargs):
        super().__init__(*args, prefix=f"payout-{group.pk}", **kwargs)
        self.fields["member"].queryset = members
        self.set_member_choices(choices)

    def set_member_choices(self, choices) -> None:
        self.fields["member"].widget.choices = [("", "---------"), *((member.pk, str(member)) for member in choices)]
