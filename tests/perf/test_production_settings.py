"""Production keeps no state in a process and reuses its database connections."""

from tests.cms.test_settings import PRODUCTION_ENV, _manage


def test_production_without_redis_fails_the_system_check():
    env = {key: value for key, value in PRODUCTION_ENV.items() if key != "REDIS_URL"}
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert "sahakum.E001" in result.stderr and "REDIS_URL" in result.stderr
    assert "sahakum.E002" in result.stderr  # and the fallback cache is local to one process


def test_production_with_redis_uses_shared_cache_sessions_and_persistent_connections():
    result = _manage(
        "shell",
        "-v",
        "0",
        "-c",
        "from django.conf import settings as s;"
        "print(s.CACHES['default']['BACKEND'], s.SESSION_ENGINE, s.DATABASES['default']['CONN_MAX_AGE'],"
        " s.DATABASES['default']['CONN_HEALTH_CHECKS'], s.PAGE_CACHE_SECONDS > 0)",
        env=PRODUCTION_ENV,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.core.cache.backends.redis.RedisCache",
        "django.contrib.sessions.backends.cache",
        "600",
        "True",
        "True",
    ]
    assert _manage("check", env=PRODUCTION_ENV).returncode == 0
