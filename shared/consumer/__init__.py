"""Consuming events: the inbox loop, failure classification, dead letters, liveness."""

from shared.consumer.apply import apply_events
from shared.consumer.failures import EventRefused, is_transient
from shared.consumer.loop import EventConsumer, Subscription
from shared.consumer.status import ConsumerStatus
from shared.consumer.types import Handler, expecting

__all__ = [
    "ConsumerStatus",
    "EventConsumer",
    "EventRefused",
    "Handler",
    "Subscription",
    "apply_events",
    "expecting",
    "is_transient",
]
