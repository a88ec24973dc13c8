"""Event contracts and their Kafka encoding."""

from shared.events.codec import decode, encode
from shared.events.contracts import REGISTRY, Event
from shared.events.envelope import Envelope, EnvelopeError

__all__ = ["REGISTRY", "Envelope", "EnvelopeError", "Event", "decode", "encode"]
