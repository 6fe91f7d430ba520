"""HTML compression: brotli where the client asks and the response carries no secret, Django's
gzip otherwise.

BREACH needs a secret and attacker-chosen text in the same compressed response. Django's
`GZipMiddleware` (4.2+) pads each gzip response with random bytes ("Heal The Breach"), and
Django masks the CSRF token afresh in every response, so gzip is used for everything a
visitor with a session sees (carts, orders, My shop, admin). Brotli (smaller, no padding) is
used only for visitors without a session cookie, whose pages hold nothing secret but a masked
CSRF token. Static files are compressed ahead of time by whitenoise (gzip and brotli).
"""

import re

from django.conf import settings
from django.middleware.gzip import GZipMiddleware
from django.utils.cache import patch_vary_headers

try:
    import brotli
except ImportError:  # pragma: no cover - brotli is in requirements.txt
    brotli = None

ACCEPTS_BR = re.compile(r"\bbr\b")
COMPRESSIBLE = ("text/", "application/json", "application/javascript", "image/svg+xml", "text/calendar")
MIN_SIZE = 200


def compress_br(data: bytes, *, stored: bool = False) -> bytes:
    """Per response: quality 4 with a 256 KB window (a fraction of a millisecond for a page;
    brotli's default 4 MB window costs more to set up than to compress). A page stored in the
    cache is compressed once, harder."""
    if stored:
        return brotli.compress(data, quality=9, lgwin=22)
    return brotli.compress(data, quality=4, lgwin=18)


def client_accepts_br(request) -> bool:
    return brotli is not None and bool(ACCEPTS_BR.search(request.META.get("HTTP_ACCEPT_ENCODING", "")))


def has_session(request) -> bool:
    return settings.SESSION_COOKIE_NAME in request.COOKIES or "messages" in request.COOKIES


class CompressionMiddleware(GZipMiddleware):
    def process_response(self, request, response):
        if response.streaming or response.has_header("Content-Encoding") or len(response.content) < MIN_SIZE:
            return super().process_response(request, response)
        if not response.get("Content-Type", "").startswith(COMPRESSIBLE):
            return response
        if (
            client_accepts_br(request)
            and not has_session(request)
            and not response.cookies.get(settings.SESSION_COOKIE_NAME)
        ):
            compressed = compress_br(response.content)
            if len(compressed) < len(response.content):
                patch_vary_headers(response, ("Accept-Encoding",))
                response.content = compressed
                response.headers["Content-Length"] = str(len(compressed))
                etag = response.get("ETag")
                if etag and etag.startswith('"'):
                    response.headers["ETag"] = "W/" + etag
                response.headers["Content-Encoding"] = "br"
                return response
        return super().process_response(request, response)
