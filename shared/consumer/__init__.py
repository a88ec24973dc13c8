"""Consuming events: the inbox loop, failure classification, dead letters, liveness."""

from shared.consumer.failures import EventRefused, is_transient
from shared.consumer.loop import EventConsumer, Handler, Subscription
from shared.consumer.status import ConsumerStatus

__all__ = [
    "ConsumerStatus",
    "EventConsumer",
    "EventRefused",
    "Handler",
    "Subscription",
    "is_transient",
]
