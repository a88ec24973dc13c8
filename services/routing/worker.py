"""Composition root of routing's worker process: relay and the clue.received consumer."""

from services.routing.app import SERVICE
from services.routing.consumer import subscriptions
from services.routing.orm import metadata
from services.routing.settings import Settings
from shared.worker import Worker


def build_worker(settings: Settings | None = None) -> Worker:
    return Worker(SERVICE, settings or Settings(), metadata, subscriptions=subscriptions)
