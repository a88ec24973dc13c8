"""Composition root of routing's worker process: the relay and routing's consumers."""

from services.routing.consumer import subscriptions
from services.routing.orm import metadata
from services.routing.reconciliation.runner import Runner, ScheduledReconciliation
from services.routing.settings import SERVICE, Settings
from shared.runtime import Runtime
from shared.worker import Job, Worker


def build_worker(settings: Settings | None = None) -> Worker:
    resolved = settings or Settings()
    return Worker(
        SERVICE,
        resolved,
        metadata,
        subscriptions=lambda runtime: subscriptions(runtime, resolved),
        jobs=lambda runtime: [_reconciliation(resolved, runtime)],
    )


def _reconciliation(settings: Settings, runtime: Runtime) -> Job:
    """One scheduler across the replicas; each run also holds its own lease (the CronJob's)."""
    job = ScheduledReconciliation(Runner(settings, runtime))
    return Job("reconciliation", job.run, once=True)
