"""CloudEvents 1.0 Kafka binding (binary mode): attributes as `ce_*` headers, data as value."""

from dataclasses import dataclass, field
from datetime import datetime
from uuid import uuid4

from shared.clock import utcnow

SPEC_VERSION = "1.0"
CONTENT_TYPE = "application/json"

Headers = list[tuple[str, bytes]]


class EnvelopeError(ValueError):
    """A record that does not carry a valid CloudEvent."""


@dataclass(frozen=True)
class Envelope:
    type: str
    source: str
    subject: str
    data: bytes
    dataschema: str
    id: str = field(default_factory=lambda: str(uuid4()))
    time: datetime = field(default_factory=utcnow)

    def headers(self) -> Headers:
        return [
            ("ce_specversion", SPEC_VERSION.encode()),
            ("ce_id", self.id.encode()),
            ("ce_source", self.source.encode()),
            ("ce_type", self.type.encode()),
            ("ce_time", self.time.isoformat().encode()),
            ("ce_subject", self.subject.encode()),
            ("ce_dataschema", self.dataschema.encode()),
            ("content-type", CONTENT_TYPE.encode()),
        ]

    @classmethod
    def from_record(cls, headers: Headers | None, value: bytes | None) -> "Envelope":
        attrs = {name: raw.decode("utf-8", "replace") for name, raw in headers or ()}
        missing = [a for a in ("ce_id", "ce_type", "ce_source", "ce_specversion") if a not in attrs]
        if missing:
            raise EnvelopeError(f"missing CloudEvents headers: {', '.join(missing)}")
        if attrs["ce_specversion"] != SPEC_VERSION:
            raise EnvelopeError(f"unsupported specversion {attrs['ce_specversion']}")
        try:
            time = datetime.fromisoformat(attrs["ce_time"]) if "ce_time" in attrs else utcnow()
        except ValueError as exc:
            raise EnvelopeError("ce_time is not RFC 3339") from exc
        return cls(
            id=attrs["ce_id"],
            type=attrs["ce_type"],
            source=attrs["ce_source"],
            subject=attrs.get("ce_subject", ""),
            dataschema=attrs.get("ce_dataschema", ""),
            time=time,
            data=value or b"",
        )
