"""`/healthz` for a load balancer or monitor: 200 "ok" when the database answers and the cache
stores and returns a value; 503 naming what failed otherwise.

It is answered by the first middleware, before SecurityMiddleware's HTTPS redirect and before
the Host header is validated, so a load balancer can probe `http://10.0.0.5:8000/healthz`
over plain HTTP by the server's internal address. It reveals nothing but "ok" or the name of
the failing part, and is never cached."""

import logging
import uuid

from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse

logger = logging.getLogger("cms.health")

HEALTHZ_PATH = "/healthz"


def check_database() -> str | None:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:  # any failure means "not healthy"
        return f"database: {type(error).__name__}"
    return None


def check_cache() -> str | None:
    # A write and a read back: the resilient Redis cache turns an outage into a miss, which
    # this notices.
    key, value = "healthz:probe", uuid.uuid4().hex
    try:
        cache.set(key, value, 30)
        if cache.get(key) != value:
            return "cache: value not stored"
    except Exception as error:
        return f"cache: {type(error).__name__}"
    return None


def healthz(request) -> HttpResponse:
    problems = [problem for problem in (check_database(), check_cache()) if problem]
    if problems:
        logger.warning("health check failed: %s", "; ".join(problems))
        response = HttpResponse("\n".join(problems) + "\n", status=503, content_type="text/plain")
        # Logged above as a warning; Django would log every 5xx as an ERROR, and so mail ADMINS
        # at every probe of the load balancer while the outage lasts.
        response._has_been_logged = True
    else:
        response = HttpResponse("ok\n", content_type="text/plain")
    response["Cache-Control"] = "no-store"
    return response


class HealthCheckMiddleware:
    """First in MIDDLEWARE: answers /healthz for any Host, over HTTP or HTTPS."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info == HEALTHZ_PATH and request.method in {"GET", "HEAD"}:
            return healthz(request)
        return self.get_response(request)
