from decimal import Decimal

import pytest
from django.contrib.humanize.templatetags.humanize import intcomma
from django.template import Context, Template
from django.utils import translation
from django.utils.formats import number_format

from cms.khmer import contains_khmer, segment


def test_khmer_amounts_use_a_point_for_decimals_and_commas_for_thousands():
    with translation.override("km"):
        assert number_format(Decimal("3.50"), 2) == "3.50"
        assert number_format(Decimal("12500"), 0, use_l10n=True, force_grouping=True) == "12,500"
        assert intcomma(12500) == "12,500"


def test_english_amounts_are_unchanged():
    with translation.override("en"):
        assert number_format(Decimal("3.50"), 2) == "3.50"


def test_segment_splits_a_khmer_run_into_words():
    assert segment("ម្រេចកំពតសរីរាង្គ") == "ម្រេច កំពត សរីរាង្គ"


def test_segment_leaves_latin_text_alone():
    assert segment("Kampot pepper 2kg") == "Kampot pepper 2kg"
    assert segment("") == ""
    assert contains_khmer("ម្រេច") and not contains_khmer("rice")


@pytest.mark.parametrize(
    ("language", "expected"),
    [("km", "រំលងទៅខ្លឹមសារចម្បង"), ("en", "Skip to main content")],
)
def test_interface_strings_are_translated(language, expected):
    with translation.override(language):
        assert Template("{% load i18n %}{% trans 'Skip to main content' %}").render(Context()) == expected
