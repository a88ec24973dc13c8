"""Composition root of routing's worker process: the relay and routing's consumers."""

from services.routing.consumer import RoutingConsumer
from services.routing.orm import metadata
from services.routing.settings import SERVICE, Settings
from shared.observability.facts import reconciliation_discrepancies
from shared.worker import Worker


def build_worker(settings: Settings | None = None) -> Worker:
    resolved = settings or Settings()
    consumer = RoutingConsumer(resolved)  # its rule cache lives as long as the process
    return Worker(
        SERVICE,
        resolved,
        metadata,
        subscriptions=lambda _: consumer.subscriptions(),
        # Reconciliation (being built) hands its count of the latest run's discrepancies here.
        facts=[reconciliation_discrepancies()],
    )
