"""Forms for the catalog, cart, checkout, inquiries and My shop. Every field the buyer could
tamper with (price, product, group) is either not a field at all or checked against the
database by the service that uses it."""

import datetime
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts import phone as phones
from cms.uploads import ReencodedImageField
from networks.forms import AdultMemberChoiceField

from .models import Category, Inquiry, Order, Product

QUANTITY_ERRORS = {
    "invalid": _("Enter a number, for example 2 or 0.5."),
    "min_value": _("The quantity must be more than zero."),
    "max_digits": _("That quantity is too large."),
    "max_decimal_places": _("Use at most 3 decimal places."),
}


class AddToCartForm(forms.Form):
    product = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    quantity = forms.DecimalField(
        label=_("Quantity"),
        min_value=Decimal("0.001"),
        max_digits=12,
        decimal_places=3,
        error_messages=QUANTITY_ERRORS,
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "any"}),
    )


class CartUpdateForm(forms.Form):
    """One quantity per product line; 0 removes the line."""

    product = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    quantity = forms.DecimalField(
        label=_("Quantity"),
        min_value=Decimal("0"),
        max_digits=12,
        decimal_places=3,
        error_messages=QUANTITY_ERRORS,
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "any"}),
    )


class CheckoutForm(forms.Form):
    buyer_name = forms.CharField(
        label=_("Your name"), max_length=120, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    buyer_phone = forms.CharField(
        label=_("Phone"), max_length=20, widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"})
    )
    buyer_email = forms.EmailField(
        label=_("Email (optional)"),
        required=False,
        help_text=_("We send the confirmation here."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    delivery_method = forms.ChoiceField(
        label=_("Delivery"), choices=Order.DeliveryMethod.choices, widget=forms.RadioSelect, initial="pickup"
    )
    delivery_address = forms.CharField(
        label=_("Delivery address"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "autocomplete": "street-address"}),
        help_text=_("Needed for delivery only."),
    )
    payment_method = forms.ChoiceField(label=_("Payment"), widget=forms.RadioSelect)

    PICKUP_PREFIX = "pickup_"

    def __init__(self, *args, payment_choices: list[tuple[str, str]] = (), pickup_choices=(), **kwargs):
        """`payment_choices`: the methods offered (the view asks marketplace.payments which are
        configured). `pickup_choices`: (group id, group name, [(ISO date, label), ...]) for each
        group of the cart with pickup days (services.pickup_day_choices); each becomes a
        required choice when the buyer picks up. The form itself reads nothing from the database."""
        super().__init__(*args, **kwargs)
        choices = list(payment_choices)
        self.fields["payment_method"].choices = choices
        if choices:
            self.fields["payment_method"].initial = choices[0][0]
        for group_id, group_name, days in pickup_choices:
            if days:
                self.fields[f"{self.PICKUP_PREFIX}{group_id}"] = forms.ChoiceField(
                    label=_("Pickup day at %(group)s") % {"group": group_name},
                    choices=list(days),
                    required=False,
                    widget=forms.RadioSelect,
                    help_text=_("For pickup only."),
                )
        if self.pickup_fields():  # shown after the delivery choice they belong to
            names = [name for name in self.fields if name not in self.pickup_fields()]
            at = names.index("delivery_address") + 1
            self.order_fields(names[:at] + self.pickup_fields() + names[at:])

    def pickup_fields(self) -> list[str]:
        return [name for name in self.fields if name.startswith(self.PICKUP_PREFIX)]

    def order_place_kwargs(self) -> dict:
        """What order_place takes from this (valid) form, the pickup days as {group id: date}."""
        data = {name: self.cleaned_data[name] for name in self.fields if name not in self.pickup_fields()}
        data["pickup_dates"] = {}
        if self.cleaned_data["delivery_method"] == Order.DeliveryMethod.PICKUP:
            data["pickup_dates"] = {
                int(name.removeprefix(self.PICKUP_PREFIX)): datetime.date.fromisoformat(self.cleaned_data[name])
                for name in self.pickup_fields()
            }
        return data

    def clean_buyer_phone(self):
        phone = phones.normalise(self.cleaned_data["buyer_phone"])
        if phone is None:
            raise forms.ValidationError(phones.INVALID_MESSAGE)
        return phone

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("delivery_method") == Order.DeliveryMethod.DELIVERY
            and not (cleaned.get("delivery_address") or "").strip()
        ):
            self.add_error("delivery_address", _("Enter the delivery address."))
        if cleaned.get("delivery_method") == Order.DeliveryMethod.PICKUP:
            for name in self.pickup_fields():
                if not cleaned.get(name) and name not in self.errors:
                    self.add_error(name, _("Choose the day you will pick up."))
        return cleaned


class InquiryForm(forms.ModelForm):
    class Meta:
        model = Inquiry
        fields = ["name", "phone", "email", "quantity", "wanted_by", "message"]
        widgets = {
            "wanted_by": forms.DateInput(attrs={"type": "date"}),
            "message": forms.Textarea(attrs={"rows": 4}),
            "phone": forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
        }

    def __init__(self, *args, **kwargs):
        # Shown on the product page beside the add-to-cart form: ids of its own (both have a quantity).
        kwargs.setdefault("auto_id", "id_inquiry_%s")
        super().__init__(*args, **kwargs)


class InquiryReplyForm(forms.Form):
    reply = forms.CharField(label=_("Your reply"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class PhotoInput(forms.ClearableFileInput):
    """Opens the phone's camera directly (capture), or the gallery on a desktop."""

    def __init__(self, attrs=None):
        super().__init__({"accept": "image/*", "capture": "environment", **(attrs or {})})


class ShopProductForm(forms.ModelForm):
    """A product in My shop. The group and producer are limited to what this user may act for;
    the status is moved by buttons (submit for review), never by a field."""

    photo = ReencodedImageField(
        label=_("Photo"),
        required=False,
        widget=PhotoInput,
        help_text=_("Take a photo with your phone (JPEG, PNG or WebP)."),
    )

    class Meta:
        model = Product
        fields = [
            "group",
            "producer",
            "category",
            "title_km",
            "title_en",
            "description_km",
            "description_en",
            "unit",
            "price",
            "stock",
            "minimum_order",
            "available_from",
        ]
        widgets = {
            "available_from": forms.DateInput(attrs={"type": "date"}),
            "price": forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.01"}),
            "stock": forms.NumberInput(attrs={"inputmode": "decimal", "step": "any"}),
            "minimum_order": forms.NumberInput(attrs={"inputmode": "decimal", "step": "any"}),
            "description_km": forms.Textarea(attrs={"rows": 3}),
            "description_en": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, groups, producers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = groups
        # Adults only; a minor of the group is refused with the reason (networks.forms).
        self.fields["producer"] = AdultMemberChoiceField.replacing(self.fields["producer"], producers)
        producers = self.fields["producer"].queryset
        self.fields["category"].queryset = Category.objects.select_related("parent")
        if groups.count() == 1:
            self.fields["group"].initial = groups.first()
        if producers.count() == 1:
            self.fields["producer"].initial = producers.first()
        if self.instance.pk:
            # Stock changes go through product_set_stock (under the checkout lock).
            del self.fields["stock"]


class StockForm(forms.Form):
    stock = forms.DecimalField(
        label=_("Stock now"),
        min_value=Decimal("0"),
        max_digits=12,
        decimal_places=3,
        error_messages=QUANTITY_ERRORS,
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "any"}),
    )
