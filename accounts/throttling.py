"""Brute force and flooding: the one home of who is slowed down, and how.

- **Sign-in** (every path: /admin/login/, /km|en/accounts/sign-in/ by username, email or phone,
  password reset confirm): django-axes counts failures per account *and* address; the account is
  the one the identifier resolves to, so trying "dara", "dara@…" and "012 777 001" in turn counts
  as one account. After `AXES_FAILURE_LIMIT` failures that pair is locked for `AXES_COOLOFF_TIME`
  with a page in the reader's language (templates/accounts/locked_out.html, status 429). Unlock:
  `manage.py axes_reset_username <username>` (or `axes_reset_ip`, `axes_reset`); see
  docs/security.md.
- **Anonymous writes** (checkout, enrol, quote request, contact, "I have paid"): `limit_writes` lets
  each client address make `RATELIMIT_WRITES` POSTs per view (django-ratelimit's syntax, e.g.
  "20/10m") and answers 429 beyond that. Tests keep the limit high except where they test it.
"""

import ipaddress
from functools import wraps

from django.conf import settings
from django.shortcuts import render
from django.utils.translation import gettext as _
from django_ratelimit.core import is_ratelimited

from . import phone as phones
from .backends import accounts_named_by


def client_ip(request) -> str | None:
    """The client's address: REMOTE_ADDR, or, behind `TRUSTED_PROXY_COUNT` reverse proxies that
    append to X-Forwarded-For, the address the outermost trusted proxy saw. None when there is
    no valid address (a request built in code)."""
    proxies = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    address = forwarded[-proxies] if proxies and len(forwarded) >= proxies else request.META.get("REMOTE_ADDR", "")
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None


def lockout_username(request, credentials) -> str:
    """The account an identifier signs in to (username, email or phone), so every spelling of
    one account shares one failure count; else the identifier itself, normalised."""
    identifier = str((credentials or {}).get("username") or "").strip()
    if not identifier:
        return ""
    usernames = list(accounts_named_by(identifier).values_list("username", flat=True)[:2])
    if len(usernames) == 1:
        return usernames[0].lower()
    return (phones.normalise(identifier) or identifier).lower()[:150]


def too_many_requests(request):
    return render(
        request,
        "429.html",
        {
            "page_title": _("Too many attempts"),
            "message": _(
                "You have sent this form many times in a short while. Please wait a few minutes and try again."
            ),
        },
        status=429,
    )


def limit_writes(view):
    """Rate-limits POSTs to `view` per client address (settings.RATELIMIT_WRITES)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        rate = getattr(settings, "RATELIMIT_WRITES", None)
        if (
            rate
            and getattr(settings, "RATELIMIT_ENABLE", True)
            and request.method == "POST"
            and is_ratelimited(
                request,
                group=f"{view.__module__}.{view.__qualname__}",
                key=lambda group, request: client_ip(request) or "unknown",
                rate=rate,
                increment=True,
            )
        ):
            return too_many_requests(request)
        return view(request, *args, **kwargs)

    return wrapper


def locked_out(request, original_response=None, credentials=None):
    """django-axes' lockout answer (AXES_LOCKOUT_CALLABLE): the site's page, 429."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60) if settings.AXES_COOLOFF_TIME else 0
    return render(
        request, "accounts/locked_out.html", {"minutes": minutes, "page_title": _("Signing in is paused")}, status=429
    )
