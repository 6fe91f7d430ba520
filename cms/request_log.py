"""One logging set-up (docs/deployment.md, "Logs and errors").

- `RequestLogMiddleware` gives every request an id (the proxy's `X-Request-ID` when it is a
  plain token, else a new one), returns it in the `X-Request-ID` response header, and writes
  one line per request to the `sahakum.request` logger: method, path, status, duration, user id.
- `RequestContextFilter` adds `request_id` and `user_id` to every log record written while that
  request runs (a query error, a payment warning), so lines can be tied together.
- `UTCFormatter` writes every timestamp in UTC with a `Z`, whatever the server's zone or
  TIME_ZONE (Asia/Phnom_Penh, used for what people see) say.
Lines are `key=value` pairs, so `grep request_id=…` or journalctl finds one request."""

import contextvars
import logging
import re
import time
import uuid

from django.utils.functional import empty

REQUEST_ID = contextvars.ContextVar("request_id", default="-")
CURRENT_REQUEST = contextvars.ContextVar("current_request", default=None)
_TOKEN = re.compile(r"^[A-Za-z0-9._-]{1,64}$")

request_logger = logging.getLogger("sahakum.request")


class UTCFormatter(logging.Formatter):
    converter = time.gmtime

    def formatTime(self, record, datefmt=None):  # noqa: N802 (logging's name)
        return time.strftime("%Y-%m-%dT%H:%M:%S", self.converter(record.created)) + f".{int(record.msecs):03d}Z"


def user_id_of(request) -> str:
    """The signed-in user's id, without loading the user for a request that never needed it."""
    lazy_user = getattr(request, "user", None) if request is not None else None
    user = getattr(lazy_user, "_wrapped", lazy_user)
    if user is None or user is empty or not getattr(user, "is_authenticated", False):
        return "-"
    return str(user.pk)


class RequestContextFilter(logging.Filter):
    def filter(self, record):
        if not hasattr(record, "request_id"):
            record.request_id = REQUEST_ID.get()
        if not hasattr(record, "user_id"):
            record.user_id = user_id_of(CURRENT_REQUEST.get())
        return True


class RequestLogMiddleware:
    """Near the top of MIDDLEWARE (after HealthCheckMiddleware, so probes are not logged)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _TOKEN.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id
        id_token = REQUEST_ID.set(request_id)
        request_token = CURRENT_REQUEST.set(request)
        started = time.perf_counter()
        status = 500
        try:
            response = self.get_response(request)
            status = response.status_code
            response["X-Request-ID"] = request_id
            return response
        finally:
            duration_ms = (time.perf_counter() - started) * 1000
            request_logger.info(
                "method=%s path=%s status=%s duration_ms=%.1f",
                request.method,
                request.path,
                status,
                duration_ms,
                extra={"request_id": request_id, "user_id": user_id_of(request)},
            )
            REQUEST_ID.reset(id_token)
            CURRENT_REQUEST.reset(request_token)
