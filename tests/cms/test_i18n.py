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


@pytest.mark.parametrize(
    ("message", "khmer"),
    [
        ("Enter a valid email address.", "សូមបញ្ចូលអាសយដ្ឋានអ៊ីមែលឱ្យបានត្រឹមត្រូវ។"),
        ("Ensure this value is less than or equal to %(limit_value)s.", "តម្លៃនេះត្រូវតែតិចជាង ឬស្មើ %(limit_value)s។"),
        (
            "Supported formats: %(supported_formats)s. Maximum filesize: %(max_upload_size)s.",
            "ទម្រង់ដែលអាចប្រើបាន៖ %(supported_formats)s។ ទំហំឯកសារអតិបរមា៖ %(max_upload_size)s។",
        ),
    ],
)
def test_django_and_wagtail_messages_come_in_khmer_from_the_project_catalog(message, khmer):
    """Issue 10 #4: Django ships these untranslated for Khmer, Wagtail ships no Khmer."""
    from django.utils.translation import gettext

    with translation.override("km"):
        assert gettext(message) == khmer


def test_a_form_error_from_a_django_validator_is_khmer_on_a_khmer_page(client, site_pages):
    response = client.post("/km/contact/", {"email": "not-an-email"})
    content = response.content.decode()
    assert "Enter a valid email address." not in content
    assert "This field is required." not in content
    assert "ត្រូវតែបំពេញប្រអប់នេះ។" in content
    assert "សូមបញ្ចូលអាសយដ្ឋានអ៊ីមែលឱ្យបានត្រឹមត្រូវ។" in content


@pytest.mark.parametrize(("language", "text"), [("km", "មិនអនុញ្ញាត"), ("en", "Not allowed")])
def test_a_refused_form_post_gets_the_site_403_page_in_the_reader_language(language, text, site_pages):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    response = client.post(f"/{language}/accounts/sign-in/", {"username": "x", "password": "y"})
    content = response.content.decode()
    assert response.status_code == 403
    assert f'<html lang="{language}"' in content
    assert text in content
    assert 'class="site-footer"' in content


def test_permission_denied_uses_the_site_layout(rf, site_pages):
    from django.contrib.auth.models import AnonymousUser

    from cms.views import permission_denied

    with translation.override("km"):
        request = rf.get("/km/")
        request.user = AnonymousUser()
        response = permission_denied(request)
    assert response.status_code == 403
    assert "សូមអភ័យទោស អ្នកមិនមានសិទ្ធិមើលទំព័រនេះទេ។" in response.content.decode()


def test_tel_links_carry_no_spaces():
    rendered = Template('{% load sahakum_tags %}<a href="{{ n|tel_href }}">').render(Context({"n": "012 000 999"}))
    assert rendered == '<a href="tel:012000999">'
