"""Where a run happens: the worker's schedule and the command line, one run at a time across
every replica and the CronJob (a lease per run), with the ledgers of this deployment."""

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any
from uuid import UUID

from services.routing import orm
from services.routing.consumer import CONSUMED
from services.routing.reconciliation import handlers
from services.routing.reconciliation.engine import Progress, quiet
from services.routing.reconciliation.sources import HttpLedger, LedgerSource, LocalLedger
from services.routing.settings import SERVICE, Settings
from services.routing.unit_of_work import RoutingUnitOfWork
from shared.clock import utcnow
from shared.lease import lease_for
from shared.ledger import dead_letters
from shared.ledger.schemas import DeadLetterOut
from shared.runtime import Runtime
from shared.service_tokens import issuer_for

log = logging.getLogger(__name__)
LEASE = f"{SERVICE}:reconciliation-run"
ACTOR = "service:routing"


class Runner:
    def __init__(self, settings: Settings, runtime: Runtime) -> None:
        self.settings, self.runtime = settings, runtime

    def units(self) -> RoutingUnitOfWork:
        return RoutingUnitOfWork.of(self.runtime)

    @contextlib.asynccontextmanager
    async def ledgers(
        self,
    ) -> AsyncIterator[tuple[dict[str, LedgerSource], HttpLedger, HttpLedger]]:
        issuer = issuer_for(SERVICE, self.settings.service_signing_keys)
        intake = HttpLedger("intake", self.settings.intake_url, issuer)
        casework = HttpLedger("casework", self.settings.casework_url, issuer)
        local = LocalLedger(self.units, self._dead_letters, actor=ACTOR)
        try:
            yield {"intake": intake, "routing": local, "casework": casework}, intake, casework
        finally:
            await intake.aclose()
            await casework.aclose()

    async def execute(self, run_id: UUID, progress: Progress = quiet) -> dict[str, Any]:
        async with self.ledgers() as (sources, intake, casework):
            return await handlers.execute(
                self.units,
                run_id,
                sources=sources,
                body_counts=casework.bodies,
                undelivered=intake.undelivered_feedback,
                settle=timedelta(seconds=self.settings.reconcile_settle_seconds),
                progress=progress,
            )

    async def run_exclusively(
        self, run_id: UUID, progress: Progress = quiet
    ) -> dict[str, Any] | None:
        """Under the run lease; None when another run holds it (the row stays requested)."""
        lease = lease_for(self.settings.database_url, LEASE)
        try:
            if not await lease.try_acquire():
                return None
            return await self.execute(run_id, progress)
        finally:
            await lease.release()

    async def _dead_letters(self) -> list[DeadLetterOut]:
        return await dead_letters.unapplied(
            service=SERVICE,
            settings=self.settings,
            topics=list(CONSUMED),
            sessions=self.runtime.sessions,
            inbox=orm.inbox,
        )


class ScheduledReconciliation:
    """The worker's job: runs asked for through the API at once, and one every interval."""

    def __init__(self, runner: Runner) -> None:
        self.runner = runner

    async def run(self) -> None:
        settings = self.runner.settings
        while True:
            try:
                await self.round()
            except Exception:
                log.exception("reconciliation round failed; trying again next round")
            await asyncio.sleep(settings.reconcile_poll_seconds)

    async def round(self) -> None:
        async with self.runner.units() as uow:
            waiting = await uow.reconciliations.next_requested()
            last = await uow.reconciliations.last_started()
        if waiting is not None:
            await self.runner.run_exclusively(waiting.id)
            return
        interval = self.runner.settings.reconcile_interval_seconds
        if interval <= 0 or (last is not None and utcnow() - last < timedelta(seconds=interval)):
            return
        run_id = await handlers.request_run(
            self.runner.units(),
            trigger="schedule",
            actor=ACTOR,
            first=None,
            last=None,
            repair=True,
            now=utcnow(),
        )
        await self.runner.run_exclusively(run_id)
