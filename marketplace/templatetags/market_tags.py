"""Money and quantity display for the marketplace.

`{{ amount|money }}` shows the market currency; `{% price amount %}` adds the approximate
amount in the other of USD/KHR at the staff-edited rate: "$3.50 (≈ 14,350 ៛)"."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import template
from django.conf import settings
from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils.translation import gettext as _

register = template.Library()

CENT = Decimal("0.01")
RIEL_STEP = Decimal("100")  # riel amounts are rounded to 100 ៛, as in the shops


def _decimal(value) -> Decimal | None:
    try:
        return Decimal(str(value))
    except (InvalidOperation, TypeError, ValueError):
        return None


def format_money(amount, currency: str | None = None) -> str:
    value = _decimal(amount)
    if value is None:
        return ""
    currency = (currency or settings.MARKET_CURRENCY).upper()
    if currency == "KHR":
        riel = int(value.quantize(Decimal("1"), rounding=ROUND_HALF_UP))
        return f"{intcomma(riel, use_l10n=False)} ៛"
    if currency == "USD":
        return f"${intcomma(value.quantize(CENT, rounding=ROUND_HALF_UP), use_l10n=False)}"
    return f"{intcomma(value.quantize(CENT, rounding=ROUND_HALF_UP), use_l10n=False)} {currency}"


def approximate_other(amount, khr_per_usd, currency: str | None = None) -> str:
    """The amount in the other of USD/KHR, or "" for any other currency or a missing rate."""
    value, rate = _decimal(amount), _decimal(khr_per_usd)
    currency = (currency or settings.MARKET_CURRENCY).upper()
    if value is None or not rate or rate <= 0:
        return ""
    if currency == "USD":
        riel = (value * rate / RIEL_STEP).quantize(Decimal("1"), rounding=ROUND_HALF_UP) * RIEL_STEP
        return format_money(riel, "KHR")
    if currency == "KHR":
        return format_money(value / rate, "USD")
    return ""


@register.filter
def money(amount, currency=None) -> str:
    return format_money(amount, currency)


@register.simple_tag(takes_context=True)
def price(context, amount, currency=None) -> str:
    """ "$3.50 (≈ 14,400 ៛)" using SiteSettings.khr_per_usd."""
    from cms.models import SiteSettings

    request = context.get("request")
    rate = None
    if request is not None:
        cached = getattr(request, "_market_rate", None)
        if cached is None:
            cached = SiteSettings.for_request(request).khr_per_usd
            request._market_rate = cached
        rate = cached
    main = format_money(amount, currency)
    other = approximate_other(amount, rate, currency)
    if not other:
        return main
    return _("%(main)s (≈ %(other)s)") % {"main": main, "other": other}


@register.filter
def qty(value) -> str:
    """2.000 → "2", 0.500 → "0.5"."""
    number = _decimal(value)
    if number is None:
        return ""
    text = f"{number.normalize():f}"
    return text


@register.filter
def unit_label(unit: str) -> str:
    from marketplace.models import Unit

    try:
        return str(Unit(unit).label)
    except ValueError:
        return unit
