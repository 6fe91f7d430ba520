"""Django's built-in RedisCache that treats an unreachable Redis as an empty cache.

With Redis stopped, restarted or unreachable, reads are misses, writes and deletes do nothing,
and the site answers from the database: slower, not down (sessions are `cached_db`, so nobody
is logged out). After a failure Redis is not tried again for `RETRY_AFTER_SECONDS`, so a dead
Redis costs one short socket timeout per process every few seconds rather than one per cache
call. Errors other than connection errors and timeouts (a bad command, a full Redis with
`noeviction`) are not hidden. Like django-redis's IGNORE_EXCEPTIONS, without another library.
`/healthz` still reports the outage: it writes a value and reads it back (cms/health.py)."""

import logging
import time

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger("cms.redis_cache")

RETRY_AFTER_SECONDS = 5.0
OUTAGE_ERRORS = (RedisConnectionError, RedisTimeoutError, OSError)


class CacheUnavailable(Exception):
    pass


class ResilientRedisCacheClient(RedisCacheClient):
    _down_until = 0.0
    _logged_at = -3600.0

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        # Django builds a new redis.Redis, with its table of ~80 response callbacks, for every
        # cache call (~0.1 ms each, 8–20 calls per page). A client is a thread-safe wrapper of
        # its connection pool, so one per pool is kept and reused.
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None or client.connection_pool is not pool:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client

    def _guard(self, operation, fallback, *args):
        now = time.monotonic()
        if now < self._down_until:
            return fallback
        try:
            return getattr(super(), operation)(*args)
        except OUTAGE_ERRORS as error:
            if now - self._logged_at > 60:
                self._logged_at = now
                logger.warning("Redis unavailable (%s: %s); serving without the cache", type(error).__name__, error)
            self._down_until = time.monotonic() + RETRY_AFTER_SECONDS
            return fallback

    def add(self, key, value, timeout):
        return self._guard("add", False, key, value, timeout)

    def get(self, key, default):
        return self._guard("get", default, key, default)

    def set(self, key, value, timeout):
        return self._guard("set", None, key, value, timeout)

    def touch(self, key, timeout):
        return self._guard("touch", False, key, timeout)

    def delete(self, key):
        return self._guard("delete", False, key)

    def get_many(self, keys):
        return self._guard("get_many", {}, keys)

    def has_key(self, key):
        return self._guard("has_key", False, key)

    def incr(self, key, delta):
        result = self._guard("incr", CacheUnavailable, key, delta)
        if result is CacheUnavailable:
            raise ValueError(f"Key '{key}' not found (cache unavailable)")
        return result

    def set_many(self, data, timeout):
        return self._guard("set_many", None, data, timeout)

    def delete_many(self, keys):
        return self._guard("delete_many", None, keys)

    def clear(self):
        return self._guard("clear", False)


class ResilientRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ResilientRedisCacheClient
