"""One home for refusing hostile input before any view sees it.

PostgreSQL cannot store or even compare text containing NUL (U+0000): a lookup such as
`Order.objects.filter(reference="\\x00")` raises "A string literal cannot contain NUL" and the
page answers 500. No legitimate request carries a NUL in its path, query string or form fields,
so `HostileInputMiddleware` answers 400 (in the reader's language, in the site's layout) to any
that does, on every URL, instead of each view learning to defend itself.

Resolved `<int:…>` arguments beyond a 64-bit integer name no record: 404 (SQLite cannot bind
them; PostgreSQL raises "out of range").

Other control characters, Khmer combining marks, SQL or HTML payloads, overlong or invalid
UTF-8 are harmless to the database and are left to the forms (field lengths, escaping); the
hostile-input walk in tests/security/ checks that none of them reaches a 500.
"""

import unicodedata

from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _

MAX_ID = 2**63 - 1
MIN_ID = -(2**63)
FORM_CONTENT_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def search_words(text: str | None, *, max_length: int = 200) -> str:
    """A visitor's search text reduced to words: letters, combining marks (Khmer vowels and
    signs), digits and spaces. Quotes, brackets and operators mean nothing to a visitor but are
    syntax to the full-text engines (SQLite FTS5 answered `"><img` with a syntax error)."""
    kept = [char if unicodedata.category(char)[0] in "LMN" else " " for char in (text or "")[:max_length]]
    return " ".join("".join(kept).split())


def contains_nul(value) -> bool:
    return "\x00" in str(value)


def _querydict_has_nul(querydict) -> bool:
    for key, values in querydict.lists():
        if contains_nul(key) or any(contains_nul(value) for value in values):
            return True
    return False


def address_is_hostile(request) -> bool:
    return contains_nul(request.path_info) or _querydict_has_nul(request.GET)


def form_is_hostile(request) -> bool:
    if request.method == "POST" and request.content_type in FORM_CONTENT_TYPES:
        if _querydict_has_nul(request.POST):
            return True
        if any(contains_nul(key) or contains_nul(upload.name) for key, upload in request.FILES.items()):
            return True
    return False


def bad_request(request, exception=None):
    """400 in the site's layout; also Django's handler400."""
    return render(
        request,
        "400.html",
        {
            "page_title": _("Bad request"),
            "message": _("We could not read that address or form. Please check it and try again."),
        },
        status=400,
    )


class HostileInputMiddleware:
    """Refuses, with 400, requests whose path, query string or form fields contain NUL.
    Placed after the locale middleware so the answer is in the reader's language, and before
    CsrfViewMiddleware (its process_view runs first)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if address_is_hostile(request):
            return bad_request(request)
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        # <int:…> accepts any length of digits; an id beyond a 64-bit column names no record
        # (and SQLite cannot even bind it).
        if any(isinstance(value, int) and not MIN_ID <= value <= MAX_ID for value in view_kwargs.values()):
            raise Http404
        # Form fields are read where CsrfViewMiddleware reads them anyway; views exempt from CSRF
        # (signed webhooks) read their raw body themselves and must find it unread.
        if getattr(view_func, "csrf_exempt", False):
            return None
        if form_is_hostile(request):
            return bad_request(request)
        return None
