from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _


class CardTokenForm(forms.Form):
    """What the card page posts: only Stripe.js's token, never card details."""

    token = forms.RegexField(regex=r"^tok_[A-Za-z0-9_]{1,250}$", max_length=255)


class MarkPaidForm(forms.Form):
    reference = forms.CharField(
        label=_("Payment reference"),
        max_length=255,
        required=False,
        help_text=_("The bank transfer or Bakong transaction reference, if there is one."),
    )
    note = forms.CharField(label=_("Note"), max_length=255, required=False)


class RefundForm(forms.Form):
    amount = forms.DecimalField(label=_("Amount to refund"), max_digits=12, decimal_places=2, min_value=Decimal("0.01"))
    reason = forms.CharField(label=_("Reason"), max_length=255, required=False)
    cancel_order = forms.BooleanField(
        label=_("Cancel the order and return its stock"),
        required=False,
        help_text=_("A full refund always cancels an order that is not yet ready."),
    )

    def __init__(self, *args, payment=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.payment = payment
        if payment is not None:
            self.fields["amount"].initial = payment.refundable_amount
            self.fields["amount"].max_value = payment.refundable_amount
            self.fields["amount"].help_text = _("At most %(amount)s %(currency)s.") % {
                "amount": payment.refundable_amount,
                "currency": payment.currency,
            }

    def clean_amount(self):
        amount = self.cleaned_data["amount"]
        if self.payment is not None and amount > self.payment.refundable_amount:
            raise forms.ValidationError(
                _("At most %(amount)s %(currency)s can be refunded.")
                % {"amount": self.payment.refundable_amount, "currency": self.payment.currency}
            )
        return amount


class ChangeMethodForm(forms.Form):
    """Another way to pay an unpaid order; the choices are the configured providers."""

    method = forms.ChoiceField(label=_("Pay another way"), widget=forms.RadioSelect)

    def __init__(self, *args, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["method"].choices = list(choices)
