"""Money and quantity display for the marketplace; amounts go through marketplace.money.

`{{ amount|money }}` shows the market currency; `{% price amount %}` adds the approximate
amount in the other of USD/KHR at the staff-edited rate: "$3.50 (≈ 14,400 ៛)"."""

from decimal import Decimal

from django import template

from accounts import phone as phones
from marketplace import money as money_module
from marketplace.money import approximate_other, format_money  # noqa: F401 (the names templates and tests use)
from networks.models import format_pickup_date

register = template.Library()


def _decimal(value) -> Decimal | None:
    return money_module.as_decimal(value)


@register.filter
def money(amount, currency=None) -> str:
    return format_money(amount, currency)


@register.simple_tag(takes_context=True)
def price(context, amount, currency=None) -> str:
    """ "$3.50 (≈ 14,400 ៛)" using SiteSettings.khr_per_usd."""
    request = context.get("request")
    rate = money_module.exchange_rate(request) if request is not None else None
    return money_module.format_price(amount, rate, currency)


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


@register.simple_tag
def money_with_equivalent(amount, currency=None, khr_per_usd=None) -> str:
    """Like `price`, with the rate given (emails and tasks have no request)."""
    return money_module.format_price(amount, khr_per_usd, currency)


@register.filter
def phone_display(stored) -> str:
    """A stored phone as people read it ("012 345 678"), via accounts.phone."""
    return phones.display(stored)


@register.filter
def phone_tel(stored) -> str:
    """The `tel:` link of a stored phone (accounts.phone.tel_uri), "" when it is not a number."""
    return phones.tel_uri(stored)


@register.filter
def pickup_date(date) -> str:
    """A pickup day in the active language: "Saturday 6 December 2026" / Khmer names."""
    return format_pickup_date(date) if date else ""
