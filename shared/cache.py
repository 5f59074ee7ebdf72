"""A Redis cache that carries on without Redis instead of failing every page.

Django's ``RedisCache`` raises when Redis cannot be reached, and the cache is read on every
signed-in page (sessions) and every sign-in (rate limits, used two-factor codes), so a Redis
outage would make the whole service answer 500. This backend answers from a fallback
instead, chosen per cache by ``OPTIONS["FALLBACK"]``:

- ``"local"`` (the default cache): a memory cache in each process. Sign-in rate limits keep
  working, counted per process, so a Redis outage neither locks everyone out (which refusing
  would) nor allows unlimited guessing (which answering "never seen" would): at most the
  limit times the number of web processes. Used two-factor codes are remembered per process.
- ``"miss"`` (sessions): every read misses and every write is dropped, so sessions are read
  from the database, which holds them all. A per-process copy would be wrong here: a sign-out
  handled by one process would not reach the copy in another.

After a failure Redis is not tried again for ``RETRY_AFTER`` seconds (5), so an outage costs
each process one timeout per interval rather than one per call, and is logged at most once a
minute. Keys written or deleted meanwhile are deleted from Redis before anything else when it
answers again, so nobody reads a value from before the change: a session signed out during
the outage does not come back with Redis. ``MAX_TIMEOUT`` caps how long a key lives, which
bounds that risk for a process that restarted before Redis returned.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

LOG_EVERY = 60.0
MAX_REMEMBERED_KEYS = 10_000


@dataclass
class _Health:
    """Shared by every thread's instance of one cache, as the outage is."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    down_until: float = 0.0  # monotonic time before which Redis is not tried
    down_since: float | None = None
    last_logged: float = 0.0
    changed: set[str] = field(default_factory=set)  # keys to delete from Redis on its return
    overflowed: bool = False


_health: dict[tuple[str, str], _Health] = {}
_health_lock = threading.Lock()


class ResilientRedisCache(RedisCache):
    """``RedisCache`` with a short timeout, a fallback and a pause after each failure."""

    clock: Callable[[], float] = staticmethod(time.monotonic)

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        options = dict(params.get("OPTIONS", {}))
        self.fallback = str(options.pop("FALLBACK", "local"))
        if self.fallback not in {"local", "miss"}:
            raise ValueError(f"FALLBACK must be 'local' or 'miss', not {self.fallback!r}")
        self.retry_after = float(options.pop("RETRY_AFTER", 5))
        max_timeout = options.pop("MAX_TIMEOUT", None)
        self.max_timeout = None if max_timeout is None else int(max_timeout)
        super().__init__(server, {**params, "OPTIONS": options})
        with _health_lock:
            self._health = _health.setdefault((str(server), self.fallback), _Health())
        self._local = LocMemCache(
            f"carershub-redis-fallback:{server}",
            {
                "TIMEOUT": params.get("TIMEOUT", 300),
                "KEY_PREFIX": params.get("KEY_PREFIX", ""),
                "VERSION": params.get("VERSION", 1),
                "OPTIONS": {"MAX_ENTRIES": 10_000},
            },
        )

    # -- health ------------------------------------------------------------------------

    def available(self) -> bool:
        """Whether Redis answers now; for ``/healthz``. Costs nothing while it is known down."""
        return self._guard(lambda: bool(self._cache.get_client(write=True).ping()), lambda: False)

    def _recovered(self, cleared: list[str]) -> None:
        health = self._health
        with health.lock:
            health.changed.difference_update(cleared)
            if health.down_since is None:
                return
            outage = self.clock() - health.down_since
            health.down_since = None
            health.overflowed = False
        self._local.clear()  # its entries are older than Redis's from now on
        logger.warning(
            "Redis answers again after %.0f s; %d keys changed meanwhile cleared from it",
            outage,
            len(cleared),
        )

    def _failed(self, exc: RedisError) -> None:
        health = self._health
        now = self.clock()
        with health.lock:
            health.down_until = now + self.retry_after
            if health.down_since is None:
                health.down_since = now
            if now - health.last_logged < LOG_EVERY and health.last_logged:
                return
            health.last_logged = now
        what = "a memory cache in each process" if self.fallback == "local" else "no cache"
        logger.warning(
            "Redis unavailable (%s); using %s, trying again every %.0f s",
            type(exc).__name__,
            what,
            self.retry_after,
        )

    def _remember(self, keys: Iterable[str]) -> None:
        health = self._health
        with health.lock:
            for key in keys:
                if len(health.changed) >= MAX_REMEMBERED_KEYS:
                    if not health.overflowed:
                        logger.warning(
                            "Too many keys changed while Redis was away; the rest expire "
                            "by their timeout"
                        )
                    health.overflowed = True
                    return
                health.changed.add(key)

    def _guard[T](
        self, redis: Callable[[], T], fallback: Callable[[], T], *, changes: Iterable[str] = ()
    ) -> T:
        health = self._health
        if self.clock() >= health.down_until:
            with health.lock:
                stale = list(health.changed)
            try:
                if stale:
                    self._cache.delete_many(stale)  # before anything can read them
                result = redis()
            except RedisError as exc:
                self._failed(exc)
            else:
                if stale or health.down_since is not None:
                    self._recovered(stale)
                return result
        self._remember(changes)
        return fallback()

    def _key(self, key: Any, version: int | None) -> str:
        return self.make_and_validate_key(key, version=version)

    def get_backend_timeout(self, timeout: Any = DEFAULT_TIMEOUT) -> float | None:
        result = super().get_backend_timeout(timeout)
        if self.max_timeout is not None and (result is None or result > self.max_timeout):
            return self.max_timeout
        return result

    # -- the cache API ---------------------------------------------------------------------

    def add(
        self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None
    ) -> bool:
        return self._guard(
            lambda: super(ResilientRedisCache, self).add(key, value, timeout, version),
            lambda: (
                self._local.add(key, value, timeout, version) if self.fallback == "local" else True
            ),  # as if stored and at once forgotten, as any cache may
            changes=[self._key(key, version)],
        )

    def get(self, key: Any, default: Any = None, version: int | None = None) -> Any:
        return self._guard(
            lambda: super(ResilientRedisCache, self).get(key, default, version),
            lambda: self._local.get(key, default, version) if self.fallback == "local" else default,
        )

    def set(
        self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None
    ) -> None:
        self._guard(
            lambda: super(ResilientRedisCache, self).set(key, value, timeout, version),
            lambda: (
                self._local.set(key, value, timeout, version) if self.fallback == "local" else None
            ),
            changes=[self._key(key, version)],
        )

    def touch(self, key: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        return self._guard(
            lambda: super(ResilientRedisCache, self).touch(key, timeout, version),
            lambda: self._local.touch(key, timeout, version) if self.fallback == "local" else False,
            changes=[self._key(key, version)],
        )

    def delete(self, key: Any, version: int | None = None) -> bool:
        return self._guard(
            lambda: super(ResilientRedisCache, self).delete(key, version),
            lambda: self._local.delete(key, version) if self.fallback == "local" else False,
            changes=[self._key(key, version)],
        )

    def get_many(self, keys: Iterable[Any], version: int | None = None) -> dict[Any, Any]:
        keys = list(keys)
        return self._guard(
            lambda: super(ResilientRedisCache, self).get_many(keys, version),
            lambda: self._local.get_many(keys, version) if self.fallback == "local" else {},
        )

    def has_key(self, key: Any, version: int | None = None) -> bool:
        return self._guard(
            lambda: super(ResilientRedisCache, self).has_key(key, version),
            lambda: self._local.has_key(key, version) if self.fallback == "local" else False,
        )

    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> int:
        def missing() -> int:
            raise ValueError(f"Key '{key}' not found")

        return self._guard(
            lambda: super(ResilientRedisCache, self).incr(key, delta, version),
            lambda: (
                self._local.incr(key, delta, version) if self.fallback == "local" else missing()
            ),
            changes=[self._key(key, version)],
        )

    def set_many(
        self, data: dict[Any, Any], timeout: Any = DEFAULT_TIMEOUT, version: int | None = None
    ) -> list[Any]:
        return self._guard(
            lambda: super(ResilientRedisCache, self).set_many(data, timeout, version),
            lambda: (
                self._local.set_many(data, timeout, version) if self.fallback == "local" else []
            ),
            changes=[self._key(key, version) for key in data],
        )

    def delete_many(self, keys: Iterable[Any], version: int | None = None) -> None:
        keys = list(keys)
        self._guard(
            lambda: super(ResilientRedisCache, self).delete_many(keys, version),
            lambda: self._local.delete_many(keys, version) if self.fallback == "local" else None,
            changes=[self._key(key, version) for key in keys],
        )

    def clear(self) -> None:
        self._guard(lambda: super(ResilientRedisCache, self).clear(), self._local.clear)
