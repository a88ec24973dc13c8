"""Composition root of intake's worker process: relay, the clue.status and case.concluded
consumers, webhook delivery (safe in several workers: rows are leased) and key pruning (under
a lease)."""

from services.intake import orm
from services.intake.consumer import SUBSCRIPTIONS
from services.intake.referrals.pruner import prune_forever
from services.intake.reporter.sealing import Sealer
from services.intake.settings import SERVICE, Settings
from services.intake.unit_of_work import IntakeUnitOfWork
from services.intake.webhooks.worker import WebhookWorker, WorkerConfig
from shared.runtime import Runtime
from shared.worker import Job, Worker


def build_worker(settings: Settings | None = None) -> Worker:
    resolved = settings or Settings()
    sealer = Sealer.from_spec(resolved.seal_keys.get_secret_value())

    def jobs(runtime: Runtime) -> list[Job]:
        found = []
        if resolved.run_webhooks:
            config = WorkerConfig.from_settings(resolved)

            def uow() -> IntakeUnitOfWork:
                return IntakeUnitOfWork.of(runtime)

            # A new delivery worker per start: a stopped one has closed its HTTP client.
            found.append(Job("webhooks", lambda: WebhookWorker(uow, sealer, config).run()))
        if resolved.idempotency_prune_seconds > 0:
            found.append(Job("key-pruner", lambda: prune_forever(runtime, resolved), once=True))
        return found

    return Worker(SERVICE, resolved, orm.metadata, subscriptions=lambda _: SUBSCRIPTIONS, jobs=jobs)
