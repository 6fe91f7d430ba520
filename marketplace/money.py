"""The one money module: every amount the marketplace computes or shows goes through here.

- `line_total(price, quantity, currency)`: rounded half up, to the cent in USD and to the whole
  riel in KHR (riel has no minor unit in use; KHQR and Stripe need whole riel).
- `order_total(amounts)`: the sum of line (or group) totals, never re-rounded, so the groups'
  parts always add up to the order total.
- `approximate_other(amount, khr_per_usd, currency)`: the other of USD/KHR at the staff-edited
  exchange rate (SiteSettings.khr_per_usd); riel equivalents are rounded to 100 ៛, the smallest
  note in use, because they are only a guide.
- `format_money(amount, currency)` / `format_price(...)`: display in the active language (km or
  en) with `babel`: "$3.50", "27,750 ៛", "$3.50 (≈ 14,400 ៛)".

Cart, checkout, `order_place`, receipts, KHQR, bank transfer, card pages, emails and My shop all
call these functions (templates through `market_tags`' `money` filter and `price` tag)."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from babel.numbers import format_decimal
from django.conf import settings
from django.utils.translation import get_language
from django.utils.translation import gettext as _

CENT = Decimal("0.01")
RIEL = Decimal("1")
RIEL_NOTE = Decimal("100")  # the smallest riel note in use: approximate equivalents round to it
ZERO = Decimal("0")

# How many decimals each market currency carries; anything else is treated like USD.
_EXPONENT = {"KHR": RIEL, "USD": CENT}


def as_decimal(value) -> Decimal | None:
    if isinstance(value, Decimal):
        return value
    try:
        return Decimal(str(value))
    except (InvalidOperation, TypeError, ValueError):
        return None


def market_currency() -> str:
    return str(settings.MARKET_CURRENCY).upper()


def quantize(amount, currency: str | None = None) -> Decimal:
    """An amount rounded half up to what the currency carries (cents, or whole riel)."""
    currency = (currency or market_currency()).upper()
    return Decimal(amount).quantize(_EXPONENT.get(currency, CENT), rounding=ROUND_HALF_UP)


def line_total(unit_price, quantity, currency: str | None = None) -> Decimal:
    """Price × quantity, rounded half up: 1.25 × 0.5 → 0.63 USD; 2,500 × 1.333 → 3,333 KHR."""
    return quantize(Decimal(unit_price) * Decimal(quantity), currency)


def order_total(amounts: Iterable, currency: str | None = None) -> Decimal:
    """The sum of already-rounded line or group totals (no second rounding)."""
    return quantize(sum((Decimal(amount) for amount in amounts), start=ZERO), currency)


def is_whole_riel(amount) -> bool:
    value = as_decimal(amount)
    return value is not None and value == value.to_integral_value()


def _locale() -> str:
    language = (get_language() or settings.LANGUAGE_CODE or "km").split("-")[0]
    return "en" if language == "en" else "km"


def format_money(amount, currency: str | None = None) -> str:
    """ "$3.50" / "27,750 ៛" (babel gives the digits and grouping of the active language)."""
    value = as_decimal(amount)
    if value is None:
        return ""
    currency = (currency or market_currency()).upper()
    locale = _locale()
    if currency == "KHR":
        return f"{format_decimal(quantize(value, 'KHR'), format='#,##0', locale=locale)} ៛"
    number = format_decimal(quantize(value, "USD"), format="#,##0.00", locale=locale)
    if currency == "USD":
        return f"${number}"
    return f"{number} {currency}"


def approximate_other(amount, khr_per_usd, currency: str | None = None) -> str:
    """The amount in the other of USD/KHR, or "" for any other currency or a missing rate."""
    value, rate = as_decimal(amount), as_decimal(khr_per_usd)
    currency = (currency or market_currency()).upper()
    if value is None or not rate or rate <= 0:
        return ""
    if currency == "USD":
        riel = (value * rate / RIEL_NOTE).quantize(RIEL, rounding=ROUND_HALF_UP) * RIEL_NOTE
        return format_money(riel, "KHR")
    if currency == "KHR":
        return format_money(value / rate, "USD")
    return ""


def format_price(amount, khr_per_usd=None, currency: str | None = None) -> str:
    """ "$3.50 (≈ 14,400 ៛)": the amount and, where a rate is set, its approximate equivalent."""
    main = format_money(amount, currency)
    other = approximate_other(amount, khr_per_usd, currency)
    if not other:
        return main
    return _("%(main)s (≈ %(other)s)") % {"main": main, "other": other}


def exchange_rate(request=None):
    """The staff-edited KHR per USD rate (cms SiteSettings) for the request's site or the default
    site; cached on the request."""
    from cms.models import SiteSettings

    if request is not None:
        cached = getattr(request, "_market_rate", None)
        if cached is None:
            cached = SiteSettings.for_request(request).khr_per_usd
            request._market_rate = cached
        return cached
    from wagtail.models import Site

    site = Site.objects.filter(is_default_site=True).first() or Site.objects.first()
    return SiteSettings.for_site(site).khr_per_usd if site else None
