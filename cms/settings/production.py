"""Production: PostgreSQL, Redis, S3-compatible media, whitenoise, strict security headers.
Refuses to start without the variables in REQUIRED_ENV (docs/deployment.md lists them all)."""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F401,F403
from .base import CONTENT_SECURITY_POLICY, DATABASES, env_bool, env_list, use_prepared_statements

IS_PRODUCTION = True
# Without these the site would run with an invented key, refuse every request, use SQLite, keep
# a separate cache per process, or mail customers links to http://127.0.0.1:8000.
REQUIRED_ENV = [
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "DATABASE_URL",
    "REDIS_URL",
    "WAGTAILADMIN_BASE_URL",
    "DEFAULT_FROM_EMAIL",
]
_missing = [name for name in REQUIRED_ENV if not os.environ.get(name, "").strip()]
if _missing:
    raise ImproperlyConfigured(
        "These variables must be set in the environment for production: "
        + ", ".join(_missing)
        + " (see docs/deployment.md; manage.py and gunicorn read /etc/sahakum/sahakum.env or $SAHAKUM_ENV_FILE)."
    )

DEBUG = env_bool("DJANGO_DEBUG", False)
SECRET_KEY = os.environ["SECRET_KEY"]
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
X_FRAME_OPTIONS = "DENY"  # security: agrees with CSP frame-ancestors 'none' (base.py)
CONTENT_SECURITY_POLICY = CONTENT_SECURITY_POLICY

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Wagtail documents are always streamed by Wagtail's /documents/<id>/<name> view after its
# privacy check, never by a direct or redirected file URL (docs/deployment.md, "Media").
WAGTAILDOCS_SERVE_METHOD = "serve_view"
if os.environ.get("AWS_STORAGE_BUCKET_NAME"):
    # S3-compatible media (credentials come from the standard AWS_* variables), needed as soon
    # as there is more than one app server. Image URLs are plain (unsigned) URLs: a signed URL
    # would expire while a cached page still shows it. The bucket's policy makes only `images/`
    # publicly readable; documents and original uploads stay private (streamed by the app).
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ["AWS_STORAGE_BUCKET_NAME"],
            "endpoint_url": os.environ.get("AWS_S3_ENDPOINT_URL") or None,
            "default_acl": None,
            "querystring_auth": False,
            "file_overwrite": False,
        },
    }

# security: behind the reverse proxy (gunicorn is never exposed directly), one proxy appends the
# client address to X-Forwarded-For; sign-in lockouts and rate limits count that address.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "1"))

TASKS = {"default": {"BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.backend.DatabaseBackend")}}
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")

# Speed: persistent database connections (checked before reuse), and no state in the process
# (a system check fails without REDIS_URL; cms/checks.py).
DATABASES["default"]["CONN_MAX_AGE"] = int(os.environ.get("DB_CONN_MAX_AGE", "600"))
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
use_prepared_statements(DATABASES["default"], default=True)
STATELESS_APP_SERVERS = True
