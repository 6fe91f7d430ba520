"""Redis down: the cache is a miss, sessions survive in the database, public pages still answer."""

import socket

import pytest
from django.core.cache import caches
from django.test import override_settings

from cms.redis_cache import ResilientRedisCache


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # closed again when the block ends: nothing listens there


@pytest.fixture
def dead_redis_url():
    return f"redis://127.0.0.1:{_closed_port()}/0"


def _cache_settings(url):
    return {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "redis": {
            "BACKEND": "cms.redis_cache.ResilientRedisCache",
            "LOCATION": url,
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        },
    }


def test_unreachable_redis_is_a_cache_miss_not_an_error(dead_redis_url):
    cache = ResilientRedisCache(dead_redis_url, {"OPTIONS": {"socket_connect_timeout": 0.2}})
    cache.set("k", "v")
    assert cache.get("k") is None
    assert cache.get("k", "fallback") == "fallback"
    assert cache.get_many(["a", "b"]) == {}
    assert cache.add("k", "v") is False
    assert cache.delete("k") is False
    cache.set_many({"a": 1})
    cache.delete_many(["a"])
    with pytest.raises(ValueError):
        cache.incr("counter")


def test_plain_django_redis_cache_would_raise(dead_redis_url):
    # The reason for the wrapper: Django's own backend turns an outage into a 500.
    from django.core.cache.backends.redis import RedisCache
    from redis.exceptions import ConnectionError

    cache = RedisCache(dead_redis_url, {"OPTIONS": {"socket_connect_timeout": 0.2}})
    with pytest.raises(ConnectionError):
        cache.get("k")


def test_working_redis_still_caches():
    cache = ResilientRedisCache("redis://127.0.0.1:6379/15", {"OPTIONS": {"socket_connect_timeout": 0.5}})
    try:
        cache._cache.get_client().ping()
    except Exception:
        pytest.skip("no Redis on 127.0.0.1:6379")
    cache.set("ops-test-key", {"x": 1}, 30)
    assert cache.get("ops-test-key") == {"x": 1}
    cache.delete("ops-test-key")


def test_one_redis_client_per_connection_pool_not_one_per_call():
    # Django's backend builds a redis.Redis (with its table of response callbacks) for every
    # cache call; ours keeps one per pool: the clients share the pool and are thread-safe.
    cache = ResilientRedisCache("redis://127.0.0.1:6379/15", {"OPTIONS": {"socket_connect_timeout": 0.5}})
    first, second = cache._cache.get_client(), cache._cache.get_client(write=True)
    assert first is second
    assert first.connection_pool is cache._cache._get_connection_pool(write=False)


@pytest.mark.django_db
def test_sessions_survive_a_cache_flush(client, django_user_model):
    from cms.settings import base

    # What every deployed settings module uses (test.py keeps plain db sessions for query counts).
    assert base.SESSION_ENGINE == "django.contrib.sessions.backends.cached_db"
    with override_settings(SESSION_ENGINE=base.SESSION_ENGINE):
        user = django_user_model.objects.create_superuser(
            username="staffer", email="s@example.org", password="pw-1-long"
        )
        client.force_login(user)
        caches["default"].clear()  # what a Redis restart without persistence does
        response = client.get("/admin/")
    assert response.status_code == 200


@pytest.mark.django_db
def test_public_page_answers_with_redis_down(client, dead_redis_url, settings):
    from cms.demo import seed_pages

    seed_pages(log=lambda *_: None)
    redis_caches = _cache_settings(dead_redis_url)
    with override_settings(
        CACHES={"default": redis_caches["redis"]},
        SESSION_ENGINE="django.contrib.sessions.backends.cached_db",
    ):
        response = client.get("/km/")
        assert response.status_code == 200
        session_response = client.post("/i18n/setlang/", {"language": "en", "next": "/en/"})
        assert session_response.status_code == 302
