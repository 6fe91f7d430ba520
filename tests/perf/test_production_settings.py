"""Production keeps no state in a process and reuses its database connections."""

from django.test import override_settings

from cms.checks import shared_state_check
from tests.cms.test_settings import PRODUCTION_ENV, _manage, _with_settings

LOCMEM = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


def test_production_without_redis_refuses_to_start():
    env = {key: value for key, value in PRODUCTION_ENV.items() if key != "REDIS_URL"}
    result = _manage("check", env=env)
    assert result.returncode != 0 and "REDIS_URL" in result.stderr


@override_settings(STATELESS_APP_SERVERS=True, REDIS_URL="", CACHES=LOCMEM)
def test_system_check_fails_for_stateless_servers_without_redis():
    ids = {error.id for error in shared_state_check(None)}
    assert ids == {"sahakum.E001", "sahakum.E002"}


@override_settings(STATELESS_APP_SERVERS=False, REDIS_URL="", CACHES=LOCMEM)
def test_system_check_leaves_development_alone():
    assert shared_state_check(None) == []


def test_production_with_redis_uses_shared_cache_and_persistent_connections():
    result = _with_settings(
        "print(s.CACHES['default']['BACKEND'], s.DATABASES['default']['CONN_MAX_AGE'],"
        " s.DATABASES['default']['CONN_HEALTH_CHECKS'], s.PAGE_CACHE_SECONDS > 0, s.STATELESS_APP_SERVERS)",
        env=PRODUCTION_ENV,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["cms.redis_cache.ResilientRedisCache", "600", "True", "True", "True"]
    assert _manage("check", env=PRODUCTION_ENV).returncode == 0


def test_production_on_postgresql_uses_prepared_statements_unless_turned_off():
    env = {**PRODUCTION_ENV, "DATABASE_URL": "postgres://sahakum@127.0.0.1:5432/unused"}
    show = (
        "o = s.DATABASES['default'].get('OPTIONS', {}); print(o.get('server_side_binding'), o.get('prepare_threshold'))"
    )
    result = _with_settings(show, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "5"]
    result = _with_settings(show, env={**env, "DB_PREPARED_STATEMENTS": "0"})
    assert result.stdout.split() == ["None", "None"]
    # SQLite has no prepared statements to ask for.
    assert _with_settings(show, env=PRODUCTION_ENV).stdout.split() == ["None", "None"]
