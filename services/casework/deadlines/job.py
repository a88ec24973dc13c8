"""The scheduled check: one runner across the worker replicas (a Job under a lease).

Each round reports the deadlines that ran out (`assignment.overdue`, escalated to the body's
supervisors), recounts provisional clocks when another process loaded a calendar year since
the last round, and verifies the audit chain every `audit_verify_seconds`.
"""

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from services.casework.audit.handlers import verify_chain
from services.casework.deadlines.calendar import CalendarCache
from services.casework.deadlines.handlers import (
    BATCH,
    check_overdue,
    recompute_provisional,
    seed_calendar,
)
from services.casework.deadlines.repository import Fingerprint
from services.casework.settings import Settings
from services.casework.unit_of_work import CaseworkUnitOfWork
from shared.clock import utcnow

log = logging.getLogger(__name__)

UnitsOfWork = Callable[[], CaseworkUnitOfWork]


@dataclass
class ScheduledCheck:
    units_of_work: UnitsOfWork
    calendar: CalendarCache
    settings: Settings
    _recounted_for: Fingerprint | None = None
    _verified_at: float | None = None
    rounds: int = field(default=0)

    async def run(self) -> None:
        """Until cancelled; the lease holder alone runs it."""
        seeded = await seed_calendar(self.units_of_work(), now=utcnow())
        if seeded:
            log.info("calendar: seeded the shipped years %s", seeded)
        while True:
            await self.round()
            await asyncio.sleep(self.settings.deadline_check_seconds)

    async def round(self) -> None:
        while len(await check_overdue(self.units_of_work(), now=utcnow())) == BATCH:
            continue
        await self._recount_if_the_calendar_changed()
        loop = asyncio.get_running_loop()
        interval = self.settings.audit_verify_seconds
        if self._verified_at is None or loop.time() - self._verified_at >= interval:
            self._verified_at = loop.time()
            result = await verify_chain(self.units_of_work(), now=utcnow())
            if not result.ok:
                log.error("audit chain broken at entry %s: %s", result.broken_seq, result.reason)
        self.rounds += 1

    async def _recount_if_the_calendar_changed(self) -> None:
        async with self.units_of_work() as uow:
            await uow.lock_for_writing()
            await uow.timekeeper()
            if self.calendar.fingerprint == self._recounted_for:
                return
            recomputed = await recompute_provisional(uow, now=utcnow())
            await uow.commit()
        self._recounted_for = self.calendar.fingerprint
        if recomputed:
            log.info("calendar changed: %d assignment(s) recounted", len(recomputed))
