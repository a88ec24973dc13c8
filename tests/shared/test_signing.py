"""Event signatures: a consumer can tell which service produced a record, and nobody else."""

import uuid
from pathlib import Path

import pytest
from pydantic import SecretStr

from shared.clock import utcnow
from shared.codes import ClueStatus
from shared.event_keys import keyring_for, local_public_keys, signer_for
from shared.events import encode
from shared.events.contracts import ClueStatusChanged
from shared.events.envelope import Headers
from shared.events.signing import (
    SIGNATURE,
    KeyRing,
    Signer,
    Unauthenticated,
    WrongProducer,
    format_private_keys,
    format_public_keys,
    new_signing_key,
    parse_private_keys,
)
from shared.events.topics import CLUE_RECEIVED, CLUE_STATUS, source_of
from shared.observability.tracing import TRACEPARENT
from shared.secrets import MissingSecret


def _status(source: str) -> tuple[Headers, bytes]:
    event = ClueStatusChanged(clue_id=uuid.uuid4(), status=ClueStatus.ROUTED, occurred_at=utcnow())
    envelope = encode(event, source=source)
    return envelope.headers(), envelope.data


@pytest.fixture
def secrets_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("GUANTONG_SECRETS_DIR", str(tmp_path / "secrets"))
    monkeypatch.delenv("GUANTONG_ENV", raising=False)
    return tmp_path / "secrets"


class TestVerification:
    def test_a_record_signed_by_an_owner_of_the_topic_is_accepted(self) -> None:
        routing = Signer("routing", [new_signing_key("r1")])
        headers, value = _status(source_of("routing"))
        signed = routing.sign(headers, value)
        assert KeyRing(routing.public_keys()).producer(CLUE_STATUS, signed, value) == "routing"

    def test_the_trace_context_header_is_outside_the_signature(self) -> None:
        """A relay with tracing on adds `ce_traceparent` to the row's headers; a producer with
        it off adds none: both verify, and the signature bytes are the same either way."""
        routing = Signer("routing", [new_signing_key("r1")])
        ring = KeyRing(routing.public_keys())
        headers, value = _status(source_of("routing"))
        parent = (TRACEPARENT, b"00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")
        traced, plain = routing.sign([*headers, parent], value), routing.sign(headers, value)
        assert ring.producer(CLUE_STATUS, traced, value) == "routing"
        assert dict(traced)[SIGNATURE] == dict(plain)[SIGNATURE]
        rewritten = [
            (n, b"00-" + b"1" * 32 + b"-" + b"2" * 16 + b"-01" if n == TRACEPARENT else v)
            for n, v in traced
        ]
        assert ring.producer(CLUE_STATUS, rewritten, value) == "routing"

    def test_unsigned_tampered_and_unknown_key_records_are_unauthenticated(self) -> None:
        routing = Signer("routing", [new_signing_key("r1")])
        ring = KeyRing(routing.public_keys())
        headers, value = _status(source_of("routing"))
        signed = routing.sign(headers, value)
        stranger = Signer("routing", [new_signing_key("r9")]).sign(headers, value)
        forged_source = [(n, b"urn:attacker" if n == "ce_source" else v) for n, v in signed]
        for bad_headers, bad_value in (
            (headers, value),
            (signed, value.replace(b"routed", b"concluded")),
            (stranger, value),
            (forged_source, value),
        ):
            with pytest.raises(Unauthenticated):
                ring.producer(CLUE_STATUS, bad_headers, bad_value)

    def test_a_valid_signature_by_a_service_that_does_not_own_the_topic_is_refused(self) -> None:
        intake = Signer("intake", [new_signing_key("i1")])
        headers, value = _status(source_of("intake"))
        with pytest.raises(WrongProducer):
            KeyRing(intake.public_keys()).producer(CLUE_STATUS, intake.sign(headers, value), value)
        routing = Signer("routing", [new_signing_key("r1")])
        headers, value = _status(source_of("routing"))
        with pytest.raises(WrongProducer):
            ring = KeyRing(routing.public_keys())
            ring.producer(CLUE_RECEIVED, routing.sign(headers, value), value)

    def test_a_key_of_one_service_cannot_sign_for_another_source(self) -> None:
        casework = Signer("casework", [new_signing_key("c1")])
        headers, value = _status(source_of("routing"))
        with pytest.raises(WrongProducer):
            KeyRing(casework.public_keys()).producer(
                CLUE_STATUS, casework.sign(headers, value), value
            )


class TestRotation:
    def test_old_and_new_keys_verify_while_the_first_one_signs(self) -> None:
        old, new = new_signing_key("r-2025"), new_signing_key("r-2026")
        before = Signer("routing", [old])
        during = Signer("routing", parse_private_keys(format_private_keys([new, old])))
        ring = KeyRing(during.public_keys())
        headers, value = _status(source_of("routing"))
        assert ring.producer(CLUE_STATUS, before.sign(headers, value), value) == "routing"
        signed_now = during.sign(headers, value)
        assert dict(signed_now)["gt_kid"] == b"r-2026"
        assert ring.producer(CLUE_STATUS, signed_now, value) == "routing"


class TestConfiguration:
    def test_production_needs_a_configured_key(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("GUANTONG_ENV", "production")
        with pytest.raises(MissingSecret, match="ROUTING_EVENT_SIGNING_KEYS"):
            signer_for("routing", None)

    def test_configured_keys_from_the_environment_verify(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setenv("GUANTONG_ENV", "production")
        key = new_signing_key("r1")
        routing = signer_for("routing", SecretStr(format_private_keys([key])))
        ring = keyring_for(format_public_keys("routing", [key]))
        headers, value = _status(source_of("routing"))
        assert ring.producer(CLUE_STATUS, routing.sign(headers, value), value) == "routing"

    def test_locally_a_key_pair_is_generated_once_and_a_later_producer_is_found(
        self, secrets_home: Path
    ) -> None:
        ring = keyring_for(None)  # a consumer that started before the producer had a key
        routing = signer_for("routing", None)
        assert signer_for("routing", None).keys[0].kid == routing.keys[0].kid
        assert routing.keys[0].kid in local_public_keys()
        headers, value = _status(source_of("routing"))
        assert ring.producer(CLUE_STATUS, routing.sign(headers, value), value) == "routing"
