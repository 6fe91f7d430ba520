"""Hostile input: every public URL pattern and every public form, walked with a fuzz list. No
answer may be a 500; no payload comes back unescaped; a refused form writes nothing.

Runs on SQLite and on PostgreSQL (where NUL in a text literal raised "A string literal cannot
contain NUL characters" before cms.input_guard refused it)."""

import re
from html.parser import HTMLParser
from urllib.parse import quote

import pytest
from django.apps import apps
from django.urls import URLPattern, URLResolver, get_resolver

SCRIPT = "<script>alert(1)</script>"
ATTR = '"><img src=x onerror=alert(1)>'
# Fuzz values as text (query strings and form fields).
FUZZ = [
    "\x00",
    "abc\x00def",
    "x" * 5000,
    "\x01\x07\x1b[31m\x7f\x08",
    "\u17b6\u17c6\u17d2\u17cb",  # Khmer vowel signs and coeng with no consonant
    "' OR 1=1 --",
    "1; DROP TABLE accounts_user;--",
    SCRIPT,
    ATTR,
    "9" * 40,
    "-99999999999999999999",
    "1e309",
    "NaN",
    "\ufeff\u202e",
]
# Fuzz as raw, already percent-encoded path segments (invalid UTF-8 cannot be a str).
RAW_SEGMENTS = ["%00", "%FF%FE", "%C0%AF", "%ED%A0%80"] + [quote(value, safe="") for value in FUZZ[1:]]
# Every name a public view or filter reads from the query string.
QUERY_NAMES = ["q", "page", "per_page", "sort", "category", "group", "province", "district", "price_min",
               "price_max", "in_stock", "code", "month", "venue", "seats_left", "token", "next", "show"]  # fmt: skip
UNPREFIXED = ("healthz", "documents/", "i18n/", "payments/")
QUERY_SEGMENTS = ["%00", "%FF%FE", "9" * 40, quote(SCRIPT, safe=""), quote("' OR 1=1 --", safe=""), "-1"]
POST_SEGMENTS = {"%00", "9" * 40, quote(SCRIPT, safe="")}
SKIP_PREFIXES = ("admin/", "django-admin/", "static/", "media/")
TRACKED_APPS = {"accounts", "cms", "networks", "marketplace", "payments", "training", "wagtailforms"}


def _walk(patterns, prefix=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern)


def public_url_templates() -> list[str]:
    """Every URL pattern outside the admin, with each converter as a `{}` slot."""
    templates = set()
    for route in _walk(get_resolver().url_patterns):
        route = route.lstrip("^").rstrip("$")
        if route.startswith(SKIP_PREFIXES):
            continue
        # i18n prefix, path converters, regex groups -> one slot each
        route = route.replace("km/", "").replace("en/", "")
        route = re.sub(r"\(\?P<\w+>[^)]*\)", "{}", route)  # regex groups first: they hold <name>
        route = re.sub(r"<(?:\w+:)?\w+>", "{}", route)
        route = re.sub(r"[\^$?\\]", "", route)
        templates.add(route)
    return sorted(templates)


def _counts():
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.app_label in TRACKED_APPS and not model._meta.proxy
    }


def _assert_safe(response, url):
    assert response.status_code < 500, f"{url} answered {response.status_code}"
    body = response.content.decode("utf-8", "replace") if response.get("Content-Type", "").startswith("text/") else ""
    assert SCRIPT not in body and ATTR not in body, f"{url} echoed a payload unescaped"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        "/km/search/?q=%00",
        "/km/market/orders/%00/",
        "/km/skills-center/verify/%00/",
        "/km/skills-center/verify/?code=%00",
        "/km/skills-center/enrolment/%00/",
    ],
)
def test_nul_is_refused_with_400_in_the_readers_language(client, site_pages, path):
    response = client.get(path)
    assert response.status_code == 400
    assert "text/html" in response["Content-Type"]
    # Khmer under /km/ (the page's heading is the translated "Bad request").
    assert 'lang="km"' in response.content.decode()
    english = client.get(path.replace("/km/", "/en/"))
    assert english.status_code == 400
    assert "Bad request" in english.content.decode()


@pytest.mark.django_db
def test_nul_in_a_posted_form_is_refused_and_writes_nothing(client, public_site):
    session = public_site["session"]
    before = _counts()
    response = client.post(
        f"/km/skills-center/enrol/{session.pk}/",
        {"name": "Sok\x00Dara", "phone": "012345678", "gender": "female", "age": "30"},
    )
    assert response.status_code == 400
    assert _counts() == before


@pytest.mark.django_db
def test_every_public_url_pattern_survives_the_fuzz_list(client, public_site):
    templates = public_url_templates()
    assert len(templates) >= 15, templates  # the walk really found the site's routes
    checked = 0
    for template in templates:
        slots = template.count("{}")
        for value in RAW_SEGMENTS if slots else [""]:
            filled = template.format(*[value] * slots)
            path = "/" + filled if template.startswith(UNPREFIXED) else "/km/" + filled
            _assert_safe(client.get(path), f"GET {path}")
            checked += 1
            if value in POST_SEGMENTS or not slots:
                _assert_safe(client.post(path), f"POST {path}")
                checked += 1
    # The English prefix goes through the same routes: NUL and a huge id once each.
    for template in templates:
        if "{}" in template and not template.startswith(UNPREFIXED):
            for value in ("%00", "9" * 40):
                path = "/en/" + template.format(*[value] * template.count("{}"))
                _assert_safe(client.get(path), f"GET {path}")
                checked += 1
    # Query strings on the pages people land on.
    for path in ["/km/market/", "/km/skills-center/", "/km/search/", "/km/skills-center/verify/"]:
        for name in QUERY_NAMES:
            for value in RAW_SEGMENTS if name in ("q", "page", "code") else QUERY_SEGMENTS:
                response = client.get(f"{path}?{name}={value}")
                _assert_safe(response, f"GET {path}?{name}={value}")
                checked += 1
    assert checked > 600, checked
    print(f"\nURL walk: {len(templates)} URL patterns, {checked} requests, no 500")


class _FormParser(HTMLParser):
    def __init__(self):
        super().__init__()
        self.forms, self._form = [], None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("method") or "get").lower() == "post":
            self._form = {"action": attrs.get("action") or "", "fields": {}, "choices": {}}
            self.forms.append(self._form)
        elif self._form is not None and tag in ("input", "textarea", "select") and attrs.get("name"):
            name, kind = attrs["name"], (attrs.get("type") or "text").lower()
            if kind in ("submit", "button", "file"):
                return
            if kind in ("radio", "checkbox"):
                self._form["choices"].setdefault(name, attrs.get("value", "on"))
                if "checked" in attrs or name not in self._form["fields"]:
                    self._form["fields"][name] = attrs.get("value", "on")
            else:
                self._form["fields"].setdefault(name, attrs.get("value", ""))
        elif self._form is not None and tag == "option" and attrs.get("value"):
            # first real option of the last select
            for name, value in reversed(list(self._form["fields"].items())):
                if value == "":
                    self._form["fields"][name] = attrs["value"]
                break

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None


GOOD = {"name": "Sok Dara", "buyer_name": "Sok Dara", "phone": "012345678", "buyer_phone": "012345678",
        "email": "sok@example.com", "buyer_email": "sok@example.com", "age": "30", "quantity": "1",
        "message": "hello", "delivery_address": "Siem Reap", "username": "someone", "password": "wrong-password",
        "code": "ABC", "reference": "ref"}  # fmt: skip


def _public_forms(client, public_site):
    """(page path, action, fields) for every POST form on the public pages, in both languages,
    with a non-empty cart so the checkout form is there."""
    product = public_site["product"]
    session = public_site["session"]
    client.post("/km/market/cart/add/", {"product": product.pk, "quantity": "1"})
    pages = [
        "/km/accounts/sign-in/",
        "/km/contact/",
        f"/km/market/p/{product.pk}/",
        "/km/market/cart/",
        "/km/market/checkout/",
        f"/km/skills-center/enrol/{session.pk}/",
        "/km/skills-center/verify/",
        "/km/search/",
    ]
    found = []
    for path in pages:
        response = client.get(path)
        assert response.status_code == 200, path
        parser = _FormParser()
        parser.feed(response.content.decode())
        for form in parser.forms:
            fields = {name: GOOD.get(name, value) for name, value in form["fields"].items()}
            fields.pop("csrfmiddlewaretoken", None)
            found.append((path, form["action"] or path, fields))
    return found


@pytest.mark.django_db
def test_every_public_form_survives_the_fuzz_list(client, public_site):
    forms = _public_forms(client, public_site)
    actions = {action.split("?")[0] for _, action, _ in forms}
    # sign-in, contact, inquiry, add to cart, cart update, checkout, enrol at least
    assert len(actions) >= 6, actions
    checked = 0
    for _page, action, fields in forms:
        for name in fields:
            for value in FUZZ:
                data = {**fields, name: value}
                before = _counts()
                response = client.post(action, data)
                _assert_safe(response, f"POST {action} {name}={value[:20]!r}")
                body = response.content.decode("utf-8", "replace")
                if response.status_code >= 400 or 'class="form-errors"' in body or 'class="error"' in body:
                    # refused, or the form shown again with its errors: nothing written
                    assert _counts() == before, f"POST {action} {name}={value[:20]!r} wrote rows and said no"
                checked += 1
    assert checked > 200
    print(f"\nform walk: {len(forms)} forms ({len(actions)} actions), {checked} posts, no 500, nothing half-written")
    # What was accepted is shown escaped wherever it is shown again.
    for path in ["/km/market/cart/", "/km/market/checkout/", "/km/market/my-orders/"]:
        _assert_safe(client.get(path), path)
