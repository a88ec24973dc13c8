"""Composition root of routing's worker process: the relay and routing's consumers."""

from services.routing.consumer import RoutingConsumer
from services.routing.orm import metadata
from services.routing.reconciliation.runner import Runner, ScheduledReconciliation
from services.routing.settings import SERVICE, Settings
from services.routing.unit_of_work import RoutingUnitOfWork
from shared.observability.facts import reconciliation_discrepancies
from shared.runtime import Runtime
from shared.worker import Job, Worker


def build_worker(settings: Settings | None = None) -> Worker:
    resolved = settings or Settings()
    consumer = RoutingConsumer(resolved)  # its rule cache lives as long as the process
    return Worker(
        SERVICE,
        resolved,
        metadata,
        subscriptions=lambda _: consumer.subscriptions(),
        jobs=lambda runtime: [_reconciliation(resolved, runtime)],
        facts=[reconciliation_discrepancies(_latest_found)],
    )


def _reconciliation(settings: Settings, runtime: Runtime) -> Job:
    """One scheduler across the replicas; each run also holds its own lease (the CronJob's)."""
    job = ScheduledReconciliation(Runner(settings, runtime))
    return Job("reconciliation", job.run, once=True)


async def _latest_found(runtime: Runtime) -> dict[str, int]:
    async with RoutingUnitOfWork.of(runtime) as uow:
        return await uow.reconciliations.latest_found()
