"""The event contracts between services: encoding, compatibility, and the published document."""

import json
import uuid
from pathlib import Path

import pytest

from shared.clock import utcnow
from shared.codes import ClueStatus
from shared.events import Envelope, EnvelopeError, decode, encode
from shared.events.asyncapi import render
from shared.events.contracts import REGISTRY, ClueStatusChanged

ROOT = Path(__file__).resolve().parents[2]


def _status_event() -> ClueStatusChanged:
    return ClueStatusChanged(clue_id=uuid.uuid4(), status=ClueStatus.ROUTED, occurred_at=utcnow())


class TestEnvelope:
    def test_round_trips_through_kafka_headers(self) -> None:
        event = _status_event()
        envelope = encode(event, source="/guantong/test")
        received = Envelope.from_record(envelope.headers(), envelope.data)
        assert received.id == envelope.id
        assert received.subject == str(event.clue_id)
        assert decode(received) == event

    def test_headers_follow_the_cloudevents_kafka_binding(self) -> None:
        names = {name for name, _ in encode(_status_event(), source="/s").headers()}
        assert {"ce_id", "ce_source", "ce_specversion", "ce_type", "ce_time"} <= names
        assert "content-type" in names

    @pytest.mark.parametrize(
        "headers",
        [[], [("ce_id", b"1"), ("ce_type", b"x"), ("ce_source", b"s"), ("ce_specversion", b"0.3")]],
    )
    def test_a_record_without_a_valid_event_is_refused(
        self, headers: list[tuple[str, bytes]]
    ) -> None:
        with pytest.raises(EnvelopeError):
            Envelope.from_record(headers, b"{}")

    def test_unknown_type_and_bad_payload_are_refused(self) -> None:
        envelope = encode(_status_event(), source="/s")
        for bad in (
            Envelope(
                type="cn.guantong.nope.v1", source="/s", subject="", data=b"{}", dataschema=""
            ),
            Envelope(type=envelope.type, source="/s", subject="", data=b"{}", dataschema=""),
        ):
            with pytest.raises(EnvelopeError):
                decode(bad)


class TestContracts:
    def test_every_type_names_its_topic_and_version(self) -> None:
        for event_type, model in REGISTRY.items():
            assert event_type == f"cn.guantong.{model.TOPIC}.v{model.VERSION}"

    def test_payloads_carry_no_reporter_field(self) -> None:
        for model in REGISTRY.values():
            text = json.dumps(model.model_json_schema()).lower()
            assert "reporter" not in text and 'id_number"' not in text

    def test_the_committed_asyncapi_document_is_current(self) -> None:
        committed = (ROOT / "docs" / "asyncapi.json").read_text(encoding="utf-8")
        assert committed == render(), "run: python -m shared.events.asyncapi > docs/asyncapi.json"
