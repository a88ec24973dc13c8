"""Composition root of casework's worker process: the relay, the clue.routed and clue.linked
consumers, and the scheduled check (deadlines, calendar, audit chain) under a lease."""

from services.casework.consumer import subscriptions
from services.casework.deadlines.calendar import CalendarCache
from services.casework.deadlines.job import ScheduledCheck
from services.casework.orm import metadata
from services.casework.settings import SERVICE, Settings
from services.casework.stats.metrics import workload
from services.casework.unit_of_work import CaseworkUnitOfWork
from shared.runtime import Runtime
from shared.worker import Job, Worker

SCHEDULED_CHECK = "scheduled-check"


def build_worker(settings: Settings | None = None) -> Worker:
    resolved = settings or Settings()
    calendar = CalendarCache(resolved.clock_policy())

    def jobs(runtime: Runtime) -> list[Job]:
        if not resolved.run_scheduled_check:
            return []

        def unit_of_work() -> CaseworkUnitOfWork:
            return CaseworkUnitOfWork.of(runtime, calendar=calendar)

        check = ScheduledCheck(unit_of_work, calendar, resolved)
        return [Job(SCHEDULED_CHECK, check.run, once=True)]

    return Worker(
        SERVICE,
        resolved,
        metadata,
        subscriptions=lambda _: subscriptions(calendar),
        jobs=jobs,
        facts=[workload],
    )
