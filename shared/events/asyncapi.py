"""AsyncAPI 3 document of Guantong's topics, generated from the event models.

`python -m shared.events.asyncapi > docs/asyncapi.json`; a test keeps the committed copy current.
Who sends on a channel comes from `topics.OWNERS`; who receives, from each service's worker
itself (`consumers`), so the document follows a new subscription without anyone editing it.
"""

import importlib
import json
import sys
from collections.abc import Callable, Mapping
from typing import Any

from aiokafka import ConsumerRecord

from shared.consumer import dead_letters
from shared.events.contracts import REGISTRY
from shared.events.envelope import CONTENT_TYPE, SPEC_VERSION, Envelope
from shared.events.signing import KEY_ID, SIGNATURE
from shared.events.topics import ALL, OWNERS, dead_letter, source_of

_STRING = {"type": "string"}
_DECIMAL = {"type": "string", "pattern": "^[0-9]+$"}


def _cloudevents_headers(event_type: str, schema_uri: str, sources: list[str]) -> dict[str, Any]:
    return {
        "ce_specversion": {"type": "string", "const": SPEC_VERSION},
        "ce_id": {"type": "string", "format": "uuid", "description": "unique per event"},
        "ce_source": {"type": "string", "format": "uri-reference", "enum": sources},
        "ce_type": {"type": "string", "const": event_type},
        "ce_time": {"type": "string", "format": "date-time"},
        "ce_subject": {"type": "string", "description": "the clue id, also the record key"},
        "ce_dataschema": {"type": "string", "format": "uri-reference", "const": schema_uri},
        "content-type": {"type": "string", "const": CONTENT_TYPE},
        KEY_ID: {"type": "string", "description": "id of the producer's Ed25519 key"},
        SIGNATURE: {
            "type": "string",
            "contentEncoding": "base64",
            "description": "Ed25519 signature over the length-prefixed ce_id, ce_type, "
            "ce_source, ce_subject, ce_time and the value",
        },
    }


_DEAD_LETTER_HEADERS: dict[str, dict[str, Any]] = {
    dead_letters.REASON: {**_STRING, "maxLength": 1000, "description": "why it failed"},
    dead_letters.CONSUMER: {**_STRING, "description": "the consumer group that gave up"},
    dead_letters.SOURCE_TOPIC: _STRING,
    dead_letters.SOURCE_PARTITION: _DECIMAL,
    dead_letters.SOURCE_OFFSET: _DECIMAL,
    dead_letters.ATTEMPTS: _DECIMAL,
    dead_letters.FAILED_AT: {"type": "string", "format": "date-time"},
}


def _emitted_cloudevents_headers() -> list[str]:
    blank = Envelope(type="", source="", subject="", data=b"", dataschema="")
    return [name for name, _ in blank.headers()] + [KEY_ID, SIGNATURE]


def _emitted_dead_letter_headers() -> list[str]:
    record: ConsumerRecord[bytes, bytes] = ConsumerRecord(
        "t", 0, 0, 0, 0, None, b"", None, 0, 0, headers=[]
    )
    headers = dead_letters.dead_letter_headers(record, reason="", consumer="", attempts=0)
    return [name for name, _ in headers]


def _documented(schemas: Mapping[str, Any], emitted: list[str]) -> dict[str, Any]:
    """The schemas of what is really sent; a header added in code without one fails here."""
    undocumented = sorted(set(emitted) - set(schemas))
    if undocumented:
        raise RuntimeError(f"headers without an AsyncAPI schema: {', '.join(undocumented)}")
    return {name: schemas[name] for name in emitted}


def _message(event_type: str, model: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    payload = model.model_json_schema(ref_template="#/components/schemas/{model}")
    definitions = payload.pop("$defs", {})
    sources = sorted(source_of(owner) for owner in OWNERS[model.TOPIC])
    headers = _documented(
        _cloudevents_headers(event_type, model.schema_uri(), sources),
        _emitted_cloudevents_headers(),
    )
    message = {
        "name": event_type,
        "contentType": CONTENT_TYPE,
        "headers": {"type": "object", "required": sorted(headers), "properties": headers},
        "payload": payload,
        "bindings": {"kafka": {"key": {"type": "string", "description": "clue id"}}},
    }
    return message, definitions


def _dead_letter_message() -> dict[str, Any]:
    headers = _documented(_DEAD_LETTER_HEADERS, _emitted_dead_letter_headers())
    return {
        "name": "dead-letter",
        "contentType": "application/octet-stream",
        "summary": "a record that failed after bounded retries, set aside for an operator",
        "description": "Key, value and original headers exactly as received (a replay sends "
        "them back unchanged, so the producer's signature still verifies), plus the dlq_ "
        "headers. The value may be what failed to parse.",
        "headers": {
            "type": "object",
            "required": sorted(headers),
            "properties": headers,
            "additionalProperties": {"type": "string", "description": "an original header"},
        },
        "payload": {"description": "the original record value, byte for byte"},
    }


def subscriptions_of(service: str) -> frozenset[str]:
    """The topics `service`'s worker subscribes to, asked of the worker itself. Unlike the rest
    of shared/, this looks into a service: the document describes the whole deployment."""
    from shared.runtime import Runtime

    settings_class = importlib.import_module(f"services.{service}.settings").Settings
    build_worker: Callable[[Any], Any] = importlib.import_module(
        f"services.{service}.worker"
    ).build_worker
    metadata = importlib.import_module(f"services.{service}.orm").metadata
    # Given in full, so that nothing is read from or generated into a secrets folder.
    generated = {name: generate() for name, generate in settings_class.SECRETS.items()}
    settings = settings_class(
        database_url="sqlite+aiosqlite:///:memory:", jwt_secret="unused", **generated
    )
    worker = build_worker(settings)
    runtime = Runtime.build(service, settings, metadata)
    try:
        return frozenset(s.topic for s in worker._subscriptions(runtime))
    finally:
        runtime.engine.sync_engine.dispose()


def services() -> list[str]:
    return sorted(set().union(*OWNERS.values()))


def consumers() -> dict[str, frozenset[str]]:
    """Service -> the topics it consumes (and whose dead letters it writes)."""
    return {service: subscriptions_of(service) for service in services()}


def _operations(
    channels: Mapping[str, Any], consumed: Mapping[str, frozenset[str]]
) -> dict[str, Any]:
    def operation(service: str, action: str, topic: str, summary: str) -> tuple[str, Any]:
        messages = sorted(channels[topic].get("messages", {}))
        return f"{service}.{action}.{topic}", {
            "action": action,
            "channel": {"$ref": f"#/channels/{topic}"},
            "messages": [{"$ref": f"#/channels/{topic}/messages/{m}"} for m in messages],
            "summary": summary,
        }

    found = [
        operation(owner, "send", topic, f"{owner} publishes (from its outbox)")
        for topic in ALL
        for owner in sorted(OWNERS.get(topic, ()))
    ]
    for service, topics in sorted(consumed.items()):
        for topic in sorted(topics):
            found.append(operation(service, "receive", topic, f"{service} consumes"))
            found.append(
                operation(service, "send", dead_letter(topic), f"{service} sets aside failures")
            )
    return dict(sorted(found))


_SERVERS = {
    "production": {
        "host": "{bootstrap}",
        "protocol": "kafka-secure",
        "description": "Apache Kafka (KRaft, replication 3, min.insync.replicas 2) over "
        "SASL_SSL; one SCRAM user per service, ACLs: write what it owns, read what it "
        "consumes (deploy/k8s/base/kafka)",
        "variables": {
            "bootstrap": {
                "default": "kafka-bootstrap.kafka.svc:9093",
                "description": "KAFKA_BOOTSTRAP_SERVERS",
            }
        },
        "security": [{"$ref": "#/components/securitySchemes/scram"}],
    },
    "local": {
        "host": "127.0.0.1:9092",
        "protocol": "kafka",
        "description": "the embedded broker of make run and the tests, plaintext",
    },
}


def _channels() -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """Channels, their messages, and the payloads' shared schemas."""
    channels: dict[str, Any] = {}
    messages: dict[str, Any] = {"DeadLetter": _dead_letter_message()}
    schemas: dict[str, Any] = {}
    for event_type, model in sorted(REGISTRY.items()):
        name = model.__name__
        messages[name], definitions = _message(event_type, model)
        schemas.update(definitions)
        channel = channels.setdefault(model.TOPIC, {"address": model.TOPIC, "messages": {}})
        channel["messages"][name] = {"$ref": f"#/components/messages/{name}"}
    for topic in ALL:
        channels.setdefault(topic, {"address": topic, "description": "reserved"})
        channels[dead_letter(topic)] = {
            "address": dead_letter(topic),
            "description": f"records of {topic} that failed after bounded retries",
            "messages": {"DeadLetter": {"$ref": "#/components/messages/DeadLetter"}},
        }
    return channels, messages, schemas


def document() -> dict[str, Any]:
    channels, messages, schemas = _channels()
    return {
        "asyncapi": "3.0.0",
        "info": {"title": "Guantong events (贯通事件)", "version": "1"},
        "defaultContentType": CONTENT_TYPE,
        "servers": _SERVERS,
        "channels": channels,
        "operations": _operations(channels, consumers()),
        "components": {
            "messages": messages,
            "schemas": schemas,
            "securitySchemes": {
                "scram": {
                    "type": "scramSha512",
                    "description": "KAFKA_SASL_USERNAME / KAFKA_SASL_PASSWORD of the service",
                }
            },
        },
    }


def render() -> str:
    return json.dumps(document(), ensure_ascii=False, indent=2, sort_keys=True) + "\n"


if __name__ == "__main__":
    sys.stdout.write(render())
