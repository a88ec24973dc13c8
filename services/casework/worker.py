"""Composition root of casework's worker process: relay and the clue.routed consumer."""

from services.casework.app import SERVICE
from services.casework.consumer import subscriptions
from services.casework.orm import metadata
from services.casework.settings import Settings
from shared.worker import Worker


def build_worker(settings: Settings | None = None) -> Worker:
    resolved = settings or Settings()
    return Worker(
        SERVICE, resolved, metadata, subscriptions=lambda runtime: subscriptions(runtime, resolved)
    )
