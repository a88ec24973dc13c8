"""Event model <-> CloudEvents envelope."""

from pydantic import ValidationError

from shared.events.contracts import REGISTRY, Event
from shared.events.envelope import Envelope, EnvelopeError


def encode(event: Event, *, source: str) -> Envelope:
    return Envelope(
        type=event.event_type(),
        source=source,
        subject=event.key(),
        dataschema=event.schema_uri(),
        data=event.model_dump_json().encode(),
    )


def decode(envelope: Envelope) -> Event:
    model = REGISTRY.get(envelope.type)
    if model is None:
        raise EnvelopeError(f"unknown event type {envelope.type!r}")
    try:
        return model.model_validate_json(envelope.data)
    except ValidationError as exc:
        raise EnvelopeError(f"{envelope.type} payload invalid: {where(exc)}") from exc


def where(exc: ValidationError) -> str:
    """Which fields failed and how, never their values (they may be a subject's data)."""
    found = sorted(
        {f"{'.'.join(str(p) for p in e['loc']) or '$'} ({e['type']})" for e in exc.errors()}
    )
    return ", ".join(found[:10]) + (f" and {len(found) - 10} more" if len(found) > 10 else "")
