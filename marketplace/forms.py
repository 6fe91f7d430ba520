"""Forms for the catalog, cart, checkout, trader quotes and My shop. Every field the buyer could
tamper with (price, product, group) is either not a field at all or checked against the
database by the service that uses it."""

import datetime
from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts import phone as phones
from cms.uploads import ReencodedImageField
from networks.forms import AdultMemberChoiceField
from networks.models import Commune, Group

from . import money
from .models import Category, Order, Product, Quote

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


class DeliveryPaymentForm(forms.Form):
    """How the goods travel and how they are paid: checkout, and accepting a quote."""

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


class CheckoutForm(DeliveryPaymentForm):
    buyer_name = forms.CharField(
        label=_("Your name"), max_length=120, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    buyer_phone = phones.PhoneFormField(label=_("Phone"))
    buyer_email = forms.EmailField(
        label=_("Email (optional)"),
        required=False,
        help_text=_("We send the confirmation here."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    field_order = ["buyer_name", "buyer_phone", "buyer_email", "delivery_method", "delivery_address", "payment_method"]


class QuoteAcceptForm(DeliveryPaymentForm):
    """Accepting an offer: the contact comes from the request; only delivery and payment are asked."""


class QuoteRequestForm(forms.ModelForm):
    """A trader's request for a quote. The product, or the category and group, are chosen by the
    view or the subclass below, never trusted from hidden fields."""

    class Meta:
        model = Quote
        fields = ["name", "phone", "email", "quantity", "target_price", "wanted_by", "delivery_commune", "message"]
        field_classes = {"phone": phones.PhoneFormField}
        widgets = {
            "name": forms.TextInput(attrs={"autocomplete": "name"}),
            "phone": forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "quantity": forms.NumberInput(attrs={"inputmode": "decimal", "step": "any"}),
            "target_price": forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.01"}),
            "wanted_by": forms.DateInput(attrs={"type": "date"}),
            "message": forms.Textarea(attrs={"rows": 4}),
        }
        labels = {"email": _("Email (optional)"), "target_price": _("Your target price per unit (optional)")}
        error_messages = {"quantity": QUANTITY_ERRORS}

    def __init__(self, *args, with_commune: bool = True, **kwargs):
        # On the product page beside the add-to-cart form: ids of its own (both have a quantity).
        kwargs.setdefault("auto_id", "id_quote_%s")
        super().__init__(*args, **kwargs)
        if with_commune:
            self.fields["delivery_commune"].queryset = Commune.objects.select_related("district__province")
            self.fields["delivery_commune"].label_from_instance = lambda commune: (
                f"{commune.name} · {commune.district.name} · {commune.district.province.name}"
            )
        else:
            # The product page's short form: pickup, or say where in the message.
            del self.fields["delivery_commune"]

    def clean_wanted_by(self):
        wanted_by = self.cleaned_data.get("wanted_by")
        if wanted_by and wanted_by < timezone.localdate():
            raise forms.ValidationError(_("Choose a date from today on."))
        return wanted_by


class CategoryQuoteRequestForm(QuoteRequestForm):
    """A request for a category (“200 kg of rice”) sent to the producer group she picks."""

    category = forms.ModelChoiceField(label=_("Category"), queryset=Category.objects.select_related("parent"))
    group = forms.ModelChoiceField(label=_("Producer group"), queryset=Group.objects.none())

    field_order = ["category", "group"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Groups that sell something now: the one query the form makes for them.
        self.fields["group"].queryset = Group.objects.filter(
            pk__in=Product.objects.published().values("group_id")
        ).order_by("name_km")


class QuoteOfferForm(forms.Form):
    """The group's offer: one of its products, a unit price, a quantity and a validity."""

    product = forms.ModelChoiceField(label=_("Product offered"), queryset=Product.objects.none())
    unit_price = forms.DecimalField(
        label=_("Unit price"),
        min_value=Decimal("0.01"),
        max_digits=12,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.01"}),
    )
    quantity = forms.DecimalField(
        label=_("Quantity offered"),
        min_value=Decimal("0.001"),
        max_digits=12,
        decimal_places=3,
        error_messages=QUANTITY_ERRORS,
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "any"}),
    )
    valid_until = forms.DateTimeField(
        label=_("Valid until"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"],
    )
    note = forms.CharField(
        label=_("Note for the trader (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, products, **kwargs):
        kwargs.setdefault("auto_id", "id_offer_%s")
        super().__init__(*args, **kwargs)
        self.fields["product"].queryset = products
        self.fields["product"].label_from_instance = lambda product: (
            f"{product.title} · {money.format_money(product.price)} / {product.get_unit_display()}"
        )

    def clean_valid_until(self):
        valid_until = self.cleaned_data["valid_until"]
        if valid_until <= timezone.now():
            raise forms.ValidationError(_("The offer must be valid until a time in the future."))
        return valid_until


class QuoteDeclineForm(forms.Form):
    reason = forms.CharField(label=_("Why you decline"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "id_decline_%s")
        super().__init__(*args, **kwargs)


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
