"""A budget per agency: one agency's runaway loop never starves the others."""

import math
from uuid import UUID

from services.intake.errors import RateLimited
from services.intake.settings import Settings
from shared.rate_limits import Budgets, budgets


class RateLimiter:
    """Per agency across every replica when Redis is configured (GUANTONG_REDIS_URL); else per
    worker process, so that with N processes an agency may reach N times the rate."""

    def __init__(self, budgets: Budgets) -> None:
        self._budgets = budgets

    @classmethod
    def of(cls, settings: Settings) -> "RateLimiter":
        return cls(
            budgets(
                settings.redis_url_value(),
                name="agency",
                prefix=settings.redis_key_prefix,
                per_second=settings.rate_limit_per_second,
                burst=settings.rate_limit_burst,
            )
        )

    async def check(self, agency_id: UUID) -> None:
        if wait := await self._budgets.take(f"intake:agency:{agency_id}"):
            raise RateLimited(max(1, math.ceil(wait)))
