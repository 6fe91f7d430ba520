"""Phone numbers: the one place that parses, normalises, validates and displays them
(phonenumbers, with Cambodia as the default region).

Stored form: a Cambodian number in national digits ("012345678", what people type and read
out); a number of another country in E.164 ("+33612345678"). Sign-in, checkout, the member
registry and enrolments all call `normalise`; nothing else decides what a phone number is."""

import phonenumbers
from django import forms
from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

REGION = "KH"
INVALID_MESSAGE = _("Enter a phone number such as 012 345 678.")


def parse(raw: str | None) -> phonenumbers.PhoneNumber | None:
    """The number `raw` stands for ("+855 12 345 678", "855-12-345678", "012 345 678"), or None
    when it is not a valid phone number."""
    try:
        number = phonenumbers.parse((raw or "").strip(), REGION)
    except phonenumbers.NumberParseException:
        return None
    return number if phonenumbers.is_valid_number(number) else None


def _stored(number: phonenumbers.PhoneNumber) -> str:
    if phonenumbers.region_code_for_number(number) == REGION:
        national = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
        return "".join(ch for ch in national if ch.isdigit())
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalise(raw: str | None) -> str | None:
    """The stored form of a valid number, or None (blank or not a phone number)."""
    number = parse(raw)
    return _stored(number) if number is not None else None


def display(stored: str | None) -> str:
    """How a stored number is shown: "012 345 678" at home, "+33 6 12 34 56 78" abroad."""
    number = parse(stored)
    if number is None:
        return stored or ""
    if phonenumbers.region_code_for_number(number) == REGION:
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def e164(raw: str | None) -> str:
    """The number as gateways and APIs want it ("+85512345678"); "" when it is not a number."""
    number = parse(raw)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164) if number else ""


def tel_uri(stored: str | None) -> str:
    """`tel:` link target (RFC 3966, no spaces)."""
    number = e164(stored)
    return f"tel:{number}" if number else ""


@deconstructible
class PhoneValidator:
    """Model and form field validator: accepts what `normalise` accepts."""

    message = INVALID_MESSAGE
    code = "invalid_phone"

    def __call__(self, value):
        if value and normalise(value) is None:
            raise ValidationError(self.message, code=self.code)

    def __eq__(self, other):
        return isinstance(other, PhoneValidator)


validate_phone = PhoneValidator()


class PhoneFormField(forms.CharField):
    """The form field for a phone number: accepts what `normalise` accepts and cleans to the
    stored form, so no form repeats the rule. Empty is allowed where the field is optional."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault("widget", forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}))
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        if value in self.empty_values:
            return ""
        phone = normalise(value)
        if phone is None:
            raise ValidationError(INVALID_MESSAGE, code="invalid_phone")
        return phone
