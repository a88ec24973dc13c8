"""The published AsyncAPI document: valid AsyncAPI 3.0 (its JSON Schema and the official parser),
true to what the services really send."""

import json
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from aiokafka import ConsumerRecord

from shared.consumer.dead_letters import dead_letter_headers
from shared.events.asyncapi import consumers, document, render
from shared.events.contracts import REGISTRY
from shared.events.topics import ALL, OWNERS, dead_letter
from tests.deploy import asyncapi_parser
from tests.support.events import signed

ROOT = Path(__file__).resolve().parents[2]
# The official schema (npm @asyncapi/specs, see deploy/schemas/README.md), vendored for offline use.
SCHEMA = ROOT / "deploy" / "schemas" / "asyncapi-3.0.0.schema.json"
SAMPLES = ROOT / "tests" / "contract" / "samples"

FORMATS = jsonschema.FormatChecker()


@FORMATS.checks("date-time", raises=ValueError)
def _date_time(value: object) -> bool:
    return not isinstance(value, str) or datetime.fromisoformat(value).tzinfo is not None


@pytest.fixture(scope="module")
def doc() -> dict[str, Any]:
    return document()


def _refs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                yield value
            else:
                yield from _refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from _refs(item)


def _resolve(doc: dict[str, Any], ref: str) -> Any:
    assert ref.startswith("#/"), ref
    node: Any = doc
    for part in ref[2:].split("/"):
        part = part.replace("~1", "/").replace("~0", "~")
        assert isinstance(node, dict) and part in node, f"{ref} does not resolve"
        node = node[part]
    return node


def _validator(doc: dict[str, Any], schema: dict[str, Any]) -> jsonschema.Draft7Validator:
    """A message schema with its `#/components/schemas/...` references resolvable."""
    return jsonschema.Draft7Validator(
        {**schema, "components": doc["components"]}, format_checker=FORMATS
    )


class TestDocument:
    def test_is_valid_asyncapi_3(self, doc: dict[str, Any]) -> None:
        schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
        errors = sorted(
            jsonschema.Draft7Validator(schema).iter_errors(doc), key=lambda e: list(e.path)
        )
        assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:5])

    def test_every_reference_resolves(self, doc: dict[str, Any]) -> None:
        for ref in _refs(doc):
            _resolve(doc, ref)

    def test_operations_name_every_owner_and_every_consumer(self, doc: dict[str, Any]) -> None:
        expected = {(o, "send", t) for t in ALL for o in OWNERS.get(t, ())}
        for service, topics in consumers().items():
            expected |= {(service, "receive", t) for t in topics}
            expected |= {(service, "send", dead_letter(t)) for t in topics}
        found = {
            (name.split(".", 2)[0], op["action"], _resolve(doc, op["channel"]["$ref"])["address"])
            for name, op in doc["operations"].items()
        }
        assert found == expected

    def test_an_operation_lists_only_messages_of_its_channel(self, doc: dict[str, Any]) -> None:
        for op in doc["operations"].values():
            channel = op["channel"]["$ref"]
            assert all(m["$ref"].startswith(channel + "/messages/") for m in op["messages"])


class TestRecordsMatchTheDocument:
    @pytest.mark.parametrize("event_type", sorted(REGISTRY))
    def test_a_signed_record_has_the_documented_headers_and_payload(
        self, doc: dict[str, Any], event_type: str
    ) -> None:
        model = REGISTRY[event_type]
        event = model.model_validate_json((SAMPLES / f"{event_type}.json").read_text())
        for owner in OWNERS[model.TOPIC]:
            _, _, value, headers = signed(event, producer=owner)
            message = doc["components"]["messages"][model.__name__]
            record_headers = {name: raw.decode() for name, raw in headers}
            _validator(doc, message["headers"]).validate(record_headers)
            _validator(doc, message["payload"]).validate(json.loads(value))

    def test_the_documented_constants_refuse_other_values(self, doc: dict[str, Any]) -> None:
        model = REGISTRY[sorted(REGISTRY)[0]]
        event = model.model_validate_json((SAMPLES / f"{model.event_type()}.json").read_text())
        _, _, _, headers = signed(event, producer=sorted(OWNERS[model.TOPIC])[0])
        good = {name: raw.decode() for name, raw in headers}
        validator = _validator(doc, doc["components"]["messages"][model.__name__]["headers"])
        for name, bad in (("ce_specversion", "0.3"), ("ce_time", "yesterday")):
            assert not validator.is_valid({**good, name: bad}), name

    def test_a_dead_letter_has_the_documented_headers(self, doc: dict[str, Any]) -> None:
        record: ConsumerRecord[bytes, bytes] = ConsumerRecord(
            "clue.status", 2, 41, 0, 0, b"k", b"{", None, 1, 1, headers=[("ce_id", b"x")]
        )
        headers = dead_letter_headers(
            record, reason="payload invalid", consumer="intake", attempts=3
        )
        schema = doc["components"]["messages"]["DeadLetter"]["headers"]
        _validator(doc, schema).validate({name: raw.decode() for name, raw in headers})


@pytest.fixture(scope="module")
def parser() -> Path:
    return asyncapi_parser.install()


class TestOfficialParser:
    def test_the_document_parses_with_no_error_or_warning(
        self, parser: Path, tmp_path: Path
    ) -> None:
        written = tmp_path / "asyncapi.json"
        written.write_text(render(), encoding="utf-8")
        result = asyncapi_parser.parse(written, parser)
        assert asyncapi_parser.problems(result) == []
        assert result["parsed"]

    def test_a_broken_reference_is_an_error(self, parser: Path, tmp_path: Path) -> None:
        broken = document()
        operation = next(iter(broken["operations"].values()))
        operation["channel"] = {"$ref": "#/channels/no.such.topic"}
        written = tmp_path / "broken.json"
        written.write_text(json.dumps(broken), encoding="utf-8")
        result = asyncapi_parser.parse(written, parser)
        assert not result["parsed"]
        assert asyncapi_parser.problems(result)
