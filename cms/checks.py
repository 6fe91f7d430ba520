"""System checks for running more than one process: production keeps no state in a process."""

from django.conf import settings
from django.core.checks import Error, register

PROCESS_LOCAL_CACHES = (
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.filebased.FileBasedCache",
    "django.core.cache.backends.dummy.DummyCache",
)
PROCESS_LOCAL_SESSIONS = ("django.contrib.sessions.backends.file",)


@register()
def shared_state_check(app_configs, **kwargs):
    """Production (settings.STATELESS_APP_SERVERS) needs REDIS_URL: the page cache, its purges
    and the sessions must be shared by every app server and worker."""
    if not getattr(settings, "STATELESS_APP_SERVERS", False):
        return []
    errors = []
    if not getattr(settings, "REDIS_URL", ""):
        errors.append(
            Error(
                "REDIS_URL is not set.",
                hint="Production shares its cache and sessions between processes through Redis: "
                "set REDIS_URL (for example redis://127.0.0.1:6379/0).",
                id="sahakum.E001",
            )
        )
    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    if backend in PROCESS_LOCAL_CACHES:
        errors.append(
            Error(
                f"The default cache ({backend}) is local to one process.",
                hint="Use Redis (REDIS_URL) so every app server sees the same pages and purges.",
                id="sahakum.E002",
            )
        )
    if settings.SESSION_ENGINE in PROCESS_LOCAL_SESSIONS:
        errors.append(
            Error("Sessions are stored in local files.", hint="Use the cache or the database.", id="sahakum.E003")
        )
    return errors
