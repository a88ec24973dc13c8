"""Tolerant readers: every sample payload of every contract version still decodes, with or
without fields this reader does not know; the size limits of intake's API hold on Kafka too."""

import json
from pathlib import Path
from typing import Any

import pytest

from shared import limits
from shared.events import Envelope, EnvelopeError, decode
from shared.events.contracts import REGISTRY

SAMPLES = Path(__file__).parent / "samples"
FILES = sorted(SAMPLES.glob("*.json"))


def _event_type(path: Path) -> str:
    """`cn.guantong.clue.status.v1[.variant].json` -> `cn.guantong.clue.status.v1`."""
    name = path.name.removesuffix(".json")
    head, _, version = name.partition(".v")
    return f"{head}.v{version.split('.')[0]}"


def _envelope(event_type: str, payload: dict[str, Any]) -> Envelope:
    data = json.dumps(payload, ensure_ascii=False).encode()
    return Envelope(type=event_type, source="/guantong/test", subject="", data=data, dataschema="")


class TestSamples:
    def test_every_contract_version_has_a_sample(self) -> None:
        assert set(REGISTRY) <= {_event_type(p) for p in FILES}

    @pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
    def test_a_sample_decodes(self, path: Path) -> None:
        event = decode(_envelope(_event_type(path), json.loads(path.read_text())))
        assert event.event_type() == _event_type(path)

    @pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
    def test_a_sample_with_fields_this_reader_does_not_know_decodes(self, path: Path) -> None:
        payload = json.loads(path.read_text())
        payload["added_in_a_later_release"] = {"anything": [1, 2, 3]}
        if payload.get("subjects"):
            payload["subjects"][0]["added_later_too"] = True
        expected = decode(_envelope(_event_type(path), json.loads(path.read_text())))
        assert decode(_envelope(_event_type(path), payload)) == expected


class TestLimits:
    def test_a_summary_longer_than_intake_accepts_is_refused_without_echoing_it(self) -> None:
        path = SAMPLES / "cn.guantong.clue.received.v1.json"
        payload = json.loads(path.read_text())
        payload["summary"] = "超长" * (limits.SUMMARY_MAX // 2 + 1)
        with pytest.raises(EnvelopeError) as refused:
            decode(_envelope(_event_type(path), payload))
        assert "summary (string_too_long)" in str(refused.value)
        assert "超长" not in str(refused.value)

    def test_more_subjects_than_intake_accepts_are_refused(self) -> None:
        path = SAMPLES / "cn.guantong.clue.routed.v1.json"
        payload = json.loads(path.read_text())
        payload["subjects"] = payload["subjects"] * (limits.SUBJECTS_MAX + 1)
        with pytest.raises(EnvelopeError):
            decode(_envelope(_event_type(path), payload))
