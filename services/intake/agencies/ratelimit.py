"""A token bucket per agency: one agency's runaway loop never starves the others."""

import math
import time
from collections.abc import Callable
from uuid import UUID

from services.intake.errors import RateLimited
from shared.http_limits import TokenBuckets


class RateLimiter:
    """Per worker process: with N workers an agency may reach N times the configured rate.

    That is the price of needing no shared store; the limit is there to keep one agency's
    runaway loop from starving the others, not to meter usage exactly.
    """

    def __init__(
        self, per_second: float, burst: int, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._buckets = TokenBuckets(per_second, burst, clock=clock)

    def wait_seconds(self, agency_id: UUID) -> float:
        """Takes one token and returns 0, or returns how long until one is available."""
        key = str(agency_id)
        wait = self._buckets.wait_seconds(key)
        if not wait:
            self._buckets.take(key)
        return wait

    def check(self, agency_id: UUID) -> None:
        if wait := self.wait_seconds(agency_id):
            raise RateLimited(max(1, math.ceil(wait)))
