"""Phone numbers as notifications need them, by the project's phone rule (accounts/phone.py:
phonenumbers, region KH): the stored form to match people across records, E.164 to send."""

import phonenumbers

from accounts import phone as phones


def national(raw: str) -> str:
    """The stored form used to match people across records ("012345678"); "" if not a number."""
    return phones.normalise(raw) or ""


def e164(raw: str) -> str:
    """ "012 345 678" → "+85512345678"; "" when it is not a valid phone number."""
    number = phones.parse(raw)
    if number is None:
        return ""
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
