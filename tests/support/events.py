"""Records as a real producer puts them on Kafka: CloudEvents headers, signed by the service."""

from shared.event_keys import signer_for
from shared.events import Event, encode
from shared.events.envelope import Headers
from shared.events.topics import source_of

Record = tuple[str, bytes, bytes, Headers]


def signed(event: Event, *, producer: str) -> Record:
    """Signed with this installation's local key of `producer`, as its relay would."""
    envelope = encode(event, source=source_of(producer))
    headers = signer_for(producer, None).sign(envelope.headers(), envelope.data)
    return (event.TOPIC, event.key().encode(), envelope.data, headers)


def unsigned(event: Event, *, source: str) -> Record:
    envelope = encode(event, source=source)
    return (event.TOPIC, event.key().encode(), envelope.data, envelope.headers())
