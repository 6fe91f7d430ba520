"""Settings shared by every environment. Values come from environment variables with safe
local defaults; production.py tightens them."""

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(int(default))).strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", False)
# production.py sets it; seed_demo refuses to run where it is set (unless --demo-server).
IS_PRODUCTION = False
# A development-only fallback; production.py refuses to start without SECRET_KEY.
SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-insecure-key-change-me")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
CSRF_FAILURE_VIEW = "cms.views.csrf_failure"  # the site's 403 page, in the reader's language

INSTALLED_APPS = [
    "accounts",
    "cms",
    "networks",
    "marketplace",
    "marketplace.payments",
    "marketplace.grouptrade",
    "training",
    "notifications",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.simple_translation",
    "wagtail.locales",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "django_tasks",
    "django_tasks_db",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
]

MIDDLEWARE = [
    # /healthz first: answered over plain HTTP for any Host (a load balancer's probe), see cms/health.py.
    "cms.health.HealthCheckMiddleware",
    "cms.request_log.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # HTML compressed: brotli for visitors without a session, gzip with BREACH padding for
    # the rest (cms/compression.py).
    "cms.compression.CompressionMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "cms.cache.RequestMemoMiddleware",
    "cms.middleware.SiteLocaleMiddleware",
    # security: refuse NUL in path, query or form fields with a 400 (cms/input_guard.py)
    "cms.input_guard.HostileInputMiddleware",
    "django.middleware.common.CommonMiddleware",
    "cms.links.RequestBaseURLMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # After CSRF (a hit gets its visitor's token and cookie), before the middleware whose
    # headers a stored page keeps (clickjacking, CSP). See cms/cache.py.
    "cms.cache.PageCacheMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "cms.urls"
WSGI_APPLICATION = "cms.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "0")),
    )
}


def use_prepared_statements(database: dict, default: bool) -> None:
    """Speed on PostgreSQL: server-side parameter binding with prepared statements (psycopg 3),
    so a query the site runs on every request (a product with its group and place: an 8-table
    join whose planning costs more than its execution) is planned once per connection rather
    than on every request. `DB_PREPARED_STATEMENTS` (1/0) overrides the default; turn it off
    behind a pooler that cannot keep prepared statements (PgBouncer in transaction mode
    before 1.21). Production turns it on (persistent connections make it pay)."""
    if database.get("ENGINE", "").endswith("postgresql") and env_bool("DB_PREPARED_STATEMENTS", default):
        database.setdefault("OPTIONS", {}).update({"server_side_binding": True, "prepare_threshold": 5})


use_prepared_statements(DATABASES["default"], default=False)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "accounts.backends.EmailOrPhoneBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "/"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    # Django's RedisCache, except that a Redis that is down or unreachable is a cache miss (the
    # site gets slower, not broken): see cms/redis_cache.py. Short socket timeouts so a dead Redis
    # costs milliseconds, not the default minutes.
    CACHES = {
        "default": {
            "BACKEND": "cms.redis_cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Sessions (signed-in staff, coordinators, carts) are written to the database and read through
# the cache: a Redis restart or FLUSHDB logs nobody out and empties no cart.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# Anonymous page cache lifetime in seconds; 0 turns it off (cms/cache.py).
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "300"))
# What every page repeats (menu, language links, site settings), purged with the pages.
FRAGMENT_CACHE_SECONDS = int(os.environ.get("FRAGMENT_CACHE_SECONDS", "3600"))

# Internationalisation: Khmer first, English second. LANGUAGE_CODE must be set before the first
# migration, because Wagtail creates the default Locale from it.
LANGUAGE_CODE = "km"
LANGUAGES = [("km", _("Khmer")), ("en", _("English"))]
WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
LOCALE_PATHS = [BASE_DIR / "locale"]
# Cambodian amounts use "." for decimals and "," for thousands (Django's km formats do not).
FORMAT_MODULE_PATH = ["cms.formats"]
TIME_ZONE = "Asia/Phnom_Penh"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000
# Uploads: phone photos are a few MB; anything larger is refused with a message.
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Sahakum <no-reply@sahakum.local>")
SERVER_EMAIL = os.environ.get("SERVER_EMAIL", DEFAULT_FROM_EMAIL)
# Only for EMAIL_BACKEND=django.core.mail.backends.filebased.EmailBackend (a staging server).
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", str(BASE_DIR / "sent-mail"))
# Server errors (500s, failed tasks) are mailed to these addresses: "ops@example.org,dev@example.org".
ADMINS = [(address, address) for address in env_list("ADMINS")]

# django-tasks: inline by default (no worker needed locally); production uses the database
# backend and a worker process.
TASKS = {"default": {"BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks.backends.immediate.ImmediateBackend")}}

WAGTAIL_SITE_NAME = "Sahakum"
# The public site's address for absolute links (emails, iCal, certificates); empty: the request's (cms/links.py).
PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "")
WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILIMAGES_FORMAT_CONVERSIONS = {"bmp": "webp", "jpeg": "webp", "png": "webp", "gif": "webp"}
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 8 * 1024 * 1024
WAGTAILIMAGES_MAX_IMAGE_PIXELS = 40_000_000
WAGTAILDOCS_EXTENSIONS = ["csv", "pdf", "xlsx", "docx", "txt"]
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAILADMIN_PERMITTED_LANGUAGES = [("en", "English")]

# Market currency; the other of USD/KHR is shown approximately at the staff-edited rate.
MARKET_CURRENCY = os.environ.get("MARKET_CURRENCY", "USD")
MARKET_UNPAID_ORDER_TTL_MINUTES = int(os.environ.get("MARKET_UNPAID_ORDER_TTL_MINUTES", "60"))

# Stripe: the card option is offered only where keys are set.
STRIPE_SECRET_KEY = os.environ.get("STRIPE_SECRET_KEY", "")
STRIPE_PUBLISHABLE_KEY = os.environ.get("STRIPE_PUBLISHABLE_KEY", "")
STRIPE_WEBHOOK_SECRET = os.environ.get("STRIPE_WEBHOOK_SECRET", "")
STRIPE_API_BASE = os.environ.get("STRIPE_API_BASE", "https://api.stripe.com")
STRIPE_JS_URL = os.environ.get("STRIPE_JS_URL", "https://js.stripe.com/v3/")
# KHQR: confirmed automatically through the Bakong API where a token is set, else by staff.
BAKONG_API_TOKEN = os.environ.get("BAKONG_API_TOKEN", "")
BAKONG_API_BASE = os.environ.get("BAKONG_API_BASE", "https://api-bakong.nbc.gov.kh")
PAYMENTS_BAKONG_CLIENT = os.environ.get("PAYMENTS_BAKONG_CLIENT", "marketplace.payments.bakong.BakongOpenAPIClient")

# Content Security Policy (django-csp 4): self only; Stripe.js is allowed by the card page's
# own override.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "style-src": ["'self'"],
        "script-src": ["'self'"],
        "font-src": ["'self'"],
        "frame-ancestors": ["'self'"],
        "form-action": ["'self'"],
    }
}
# Wagtail's admin uses inline scripts and styles; the policy is applied to the public site only
# by excluding the admin paths.
CONTENT_SECURITY_POLICY["EXCLUDE_URL_PREFIXES"] = ["/admin/", "/django-admin/"]

# Logging (docs/deployment.md, "Logs and errors"): one key=value line per record on stderr
# (journald keeps it), timestamps in UTC, each line with the request id and user id; one line per
# request from cms.request_log.RequestLogMiddleware (method, path, status, duration); every
# ERROR is also mailed to ADMINS when DEBUG is off (nothing is sent while ADMINS is empty).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_context": {"()": "cms.request_log.RequestContextFilter"},
        "require_debug_false": {"()": "django.utils.log.RequireDebugFalse"},
    },
    "formatters": {
        "line": {
            "()": "cms.request_log.UTCFormatter",
            "format": "%(asctime)s level=%(levelname)s logger=%(name)s request_id=%(request_id)s "
            "user_id=%(user_id)s %(message)s",
        },
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "line", "filters": ["request_context"]},
        "mail_admins": {
            "class": "django.utils.log.AdminEmailHandler",
            "level": "ERROR",
            "filters": ["require_debug_false"],
        },
    },
    "root": {"handlers": ["console", "mail_admins"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        # Django's own defaults would print twice and mail twice; everything goes through root.
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        # Every inline task and page publish would otherwise print a line.
        "django_tasks": {"level": "WARNING"},
        "wagtail": {"level": "WARNING"},
    },
}

# --- security (docs/security.md; owned by the security engineer) -------------------------------
import datetime  # noqa: E402

# Brute force: django-axes on every sign-in path (accounts/throttling.py).
INSTALLED_APPS += ["axes"]
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", *AUTHENTICATION_BACKENDS]
MIDDLEWARE += ["axes.middleware.AxesMiddleware"]
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = datetime.timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "30")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_CALLABLE = "accounts.throttling.lockout_username"
AXES_CLIENT_IP_CALLABLE = "accounts.throttling.client_ip"
AXES_LOCKOUT_CALLABLE = "accounts.throttling.locked_out"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
# Each failed sign-in is counted in the database; the log keeps lockouts (WARNING) only.
LOGGING["loggers"]["axes"] = {"level": "WARNING"}
# Reverse proxies in front of the app that append to X-Forwarded-For (production: 1).
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
# Anonymous writes (checkout, enrol, quote request/accept/withdraw, contact, "I have paid", password reset): POSTs per
# client address and view, django-ratelimit syntax; empty turns the limit off.
RATELIMIT_WRITES = os.environ.get("RATELIMIT_WRITES", "30/10m") or None
# Uploaded images are stored re-encoded (cms/uploads.py): the admin's image forms use it.
WAGTAILIMAGES_IMAGE_FORM_BASE = "cms.uploads.ReencodedImageForm"
# Framing: one intent for both headers: no page of the public site is ever framed, by anyone.
# (Wagtail's preview views, under /admin/ where the CSP does not apply, answer SAMEORIGIN
# themselves so the editor's preview panel still works.)
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY["DIRECTIVES"]["frame-ancestors"] = ["'none'"]
# The admin loads no avatar from Gravatar (staff email hashes would leave the site).
WAGTAIL_GRAVATAR_PROVIDER_URL = None

# --- Notifications (notifications/; docs/notifications.md) -----------------------------------
# Telegram bot: messages through the Bot API; TELEGRAM_API_BASE points at a local double in
# tests and the demo (manage.py notification_doubles). Without a token the channel is off.
TELEGRAM_BOT_TOKEN = os.environ.get("TELEGRAM_BOT_TOKEN", "")
TELEGRAM_API_BASE = os.environ.get("TELEGRAM_API_BASE", "https://api.telegram.org")
TELEGRAM_WEBHOOK_SECRET = os.environ.get("TELEGRAM_WEBHOOK_SECRET", "")
TELEGRAM_BOT_USERNAME = os.environ.get("TELEGRAM_BOT_USERNAME", "")
# SMS through django-sms: the console backend prints messages; the gateway backend
# (notifications.sms.GatewaySmsBackend) posts them to SMS_GATEWAY_URL.
SMS_BACKEND = os.environ.get("SMS_BACKEND", "sms.backends.console.SmsBackend")
SMS_GATEWAY_URL = os.environ.get("SMS_GATEWAY_URL", "")
SMS_GATEWAY_TOKEN = os.environ.get("SMS_GATEWAY_TOKEN", "")
SMS_SENDER = os.environ.get("SMS_SENDER", "Sahakum")
# --- end Notifications ---------------------------------------------------------------------
