from .base import *  # noqa: F401,F403

DEBUG = False
SECRET_KEY = "test-only-key"  # nosec B105  # test settings only; production.py requires SECRET_KEY
ALLOWED_HOSTS = ["*"]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Off unless a test turns it on (tests/perf/); other tests read pages right after changing data.
PAGE_CACHE_SECONDS = 0
FRAGMENT_CACHE_SECONDS = 0
SESSION_ENGINE = "django.contrib.sessions.backends.db"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
import tempfile  # noqa: E402

MEDIA_ROOT = tempfile.mkdtemp(prefix="sahakum-test-media-")
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}

# The test server serves static files itself; whitenoise would only warn about STATIC_ROOT.
MIDDLEWARE = [entry for entry in MIDDLEWARE if "whitenoise" not in entry]  # noqa: F405

# security: the write rate limit is off in tests except where tests/security/ turns it on.
RATELIMIT_WRITES = None
