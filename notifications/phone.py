"""The one place notifications turn a stored phone number into something a gateway dials.

The project's phone rule (DESIGN.md: phonenumbers, region KH) is meant to live in
accounts/phone.py; until that module exists this small function applies the same rule with
`phonenumbers` directly, so there is a single call site to switch."""

import phonenumbers

from accounts.models import normalise_phone


def national(raw: str) -> str:
    """The stored form used to match people across records ("012345678")."""
    return normalise_phone(raw or "")


def e164(raw: str) -> str:
    """ "012 345 678" → "+85512345678"; "" when the number is not a valid number."""
    if not raw:
        return ""
    try:
        parsed = phonenumbers.parse(raw, "KH")
    except phonenumbers.NumberParseException:
        return ""
    if not phonenumbers.is_possible_number(parsed):
        return ""
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
