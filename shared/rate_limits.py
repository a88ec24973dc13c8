"""Budgets of requests per key (an agency, a client address): in this process, or shared by
every replica through Redis when GUANTONG_REDIS_URL is set.

Redis through `limits` (moving window: `burst` requests in any `burst / per_second` seconds,
the same average rate and burst as the in-process token bucket). When Redis does not answer,
the budget fails open to this process's own buckets: intake must keep accepting referrals
(DESIGN.md), a limiter outage must not become an API outage, and each process still holds
its own share of the limit meanwhile. The outage and the recovery are logged once each.
"""

import logging
import math
import time
from collections.abc import Callable
from typing import Protocol

from limits import RateLimitItemPerSecond
from limits.aio.storage import RedisStorage
from limits.aio.strategies import MovingWindowRateLimiter
from limits.errors import StorageError

log = logging.getLogger(__name__)


class TokenBuckets:
    """A token bucket per key (an address, an agency), in this process only."""

    def __init__(
        self,
        per_second: float,
        burst: int,
        *,
        max_keys: int = 100_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._rate, self._burst, self._max_keys = per_second, float(burst), max_keys
        self._clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}

    def _level(self, key: str, now: float) -> float:
        tokens, last = self._buckets.get(key, (self._burst, now))
        return min(self._burst, tokens + (now - last) * self._rate)

    def wait_seconds(self, key: str) -> float:
        """0 while the key has a token left (without taking it), else seconds until it has."""
        level = self._level(key, self._clock())
        return 0.0 if level >= 1.0 else (1.0 - level) / self._rate

    def take(self, key: str) -> None:
        now = self._clock()
        if len(self._buckets) >= self._max_keys:
            self._forget_full(now)
        self._buckets[key] = (max(0.0, self._level(key, now) - 1.0), now)

    def _forget_full(self, now: float) -> None:
        # A bucket that has refilled is the same as no bucket: bounded memory under a spray.
        full = [k for k in self._buckets if self._level(k, now) >= self._burst]
        for key in full:
            del self._buckets[key]
        if len(self._buckets) >= self._max_keys:
            self._buckets.clear()


# A limiter that waits longer than this for Redis delays every request; past it, fail open.
REDIS_TIMEOUT_SECONDS = 0.25


class Budgets(Protocol):
    async def take(self, key: str) -> float:
        """Takes one request from `key`'s budget and returns 0, or the seconds until it can."""
        ...

    async def wait_seconds(self, key: str) -> float:
        """0 while `key` has budget left (taking nothing), else the seconds until it has."""
        ...

    async def spend(self, key: str) -> None:
        """Takes one request from `key`'s budget, whether or not any was left."""
        ...


class LocalBudgets:
    """Token buckets in this process: with N processes a key may reach N times the rate."""

    def __init__(
        self, per_second: float, burst: int, *, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._buckets = TokenBuckets(per_second, burst, clock=clock)

    async def take(self, key: str) -> float:
        wait = self._buckets.wait_seconds(key)
        if not wait:
            self._buckets.take(key)
        return wait

    async def wait_seconds(self, key: str) -> float:
        return self._buckets.wait_seconds(key)

    async def spend(self, key: str) -> None:
        self._buckets.take(key)


class RedisBudgets:
    """One budget per key across every replica; this process's buckets while Redis is away."""

    def __init__(self, url: str, *, name: str, prefix: str, per_second: float, burst: int) -> None:
        self.name = name
        storage = RedisStorage(
            url.replace("redis", "async+redis", 1),
            wrap_exceptions=True,
            key_prefix=prefix,
            stream_timeout=REDIS_TIMEOUT_SECONDS,
            connect_timeout=REDIS_TIMEOUT_SECONDS,
        )
        self._limiter = MovingWindowRateLimiter(storage)
        self._item = RateLimitItemPerSecond(burst, max(1, math.ceil(burst / per_second)))
        self._fallback = LocalBudgets(per_second, burst)
        self._down = False

    async def take(self, key: str) -> float:
        try:
            if await self._limiter.hit(self._item, key):
                return self._up(0.0)
            return self._up(await self._reset_in(key))
        except StorageError as error:
            self._failed(error)
            return await self._fallback.take(key)

    async def wait_seconds(self, key: str) -> float:
        try:
            if await self._limiter.test(self._item, key):
                return self._up(0.0)
            return self._up(await self._reset_in(key))
        except StorageError as error:
            self._failed(error)
            return await self._fallback.wait_seconds(key)

    async def spend(self, key: str) -> None:
        try:
            await self._limiter.hit(self._item, key)
            self._up(0.0)
        except StorageError as error:
            self._failed(error)
            await self._fallback.spend(key)

    async def _reset_in(self, key: str) -> float:
        stats = await self._limiter.get_window_stats(self._item, key)
        return max(0.001, stats.reset_time - time.time())

    def _up(self, wait: float) -> float:
        if self._down:
            self._down = False
            log.warning("%s limit: Redis answers again; shared across replicas", self.name)
        return wait

    def _failed(self, error: StorageError) -> None:
        if not self._down:
            self._down = True
            log.warning(
                "%s limit: Redis unavailable (%s); each process limits on its own meanwhile",
                self.name,
                type(error.storage_error).__name__,
            )


def budgets(
    redis_url: str | None, *, name: str, prefix: str, per_second: float, burst: int
) -> LocalBudgets | RedisBudgets:
    """`name` says in the logs which limit lost Redis."""
    if redis_url:
        return RedisBudgets(redis_url, name=name, prefix=prefix, per_second=per_second, burst=burst)
    return LocalBudgets(per_second, burst)
