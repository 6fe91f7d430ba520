"""Texts kept in both languages (name_km / name_en, title_km / title_en …): the one rule for
which to show."""

from django.utils.translation import get_language


def in_language(km: str, en: str) -> str:
    """English on English pages when there is an English text; otherwise Khmer (the default
    language), or English when there is no Khmer."""
    if (get_language() or "km").startswith("en") and en:
        return en
    return km or en
