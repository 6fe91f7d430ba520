"""Absolute links to the public site: one home for the base URL.

`settings.PUBLIC_BASE_URL` (environment variable PUBLIC_BASE_URL, e.g. https://sahakum.org) is the
address people use. Left empty, the base is the request being served (scheme, host and port as
the reader reached the site); work done outside a request but started by one (an email queued
after an enrolment) uses the base of that request, which `RequestBaseURLMiddleware` remembers.
Only with neither (a management command) does it fall back to WAGTAILADMIN_BASE_URL.

Paths passed in carry their language prefix (/km/, /en/): build them under
`translation.override(reader_language)` so each link opens in the reader's language."""

from contextvars import ContextVar

from django.conf import settings

_request_base: ContextVar[str] = ContextVar("sahakum_request_base", default="")


def public_base_url(request=None) -> str:
    configured = getattr(settings, "PUBLIC_BASE_URL", "")
    if configured:
        return configured.rstrip("/")
    if request is not None:
        return f"{request.scheme}://{request.get_host()}"
    return _request_base.get() or settings.WAGTAILADMIN_BASE_URL.rstrip("/")


def absolute_url(path: str, request=None) -> str:
    if path.startswith(("http://", "https://")):
        return path
    return public_base_url(request) + path


class RequestBaseURLMiddleware:
    """Remember the request's base URL for links built deeper down without the request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _request_base.set(f"{request.scheme}://{request.get_host()}")
        try:
            return self.get_response(request)
        finally:
            _request_base.reset(token)
