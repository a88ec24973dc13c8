"""AsyncAPI 3 document of Guantong's topics, generated from the event models.

`python -m shared.events.asyncapi > docs/asyncapi.json`; a test keeps the committed copy current.
"""

import json
import sys
from typing import Any

from shared.events.contracts import REGISTRY
from shared.events.topics import ALL, dead_letter

_HEADERS = {
    "type": "object",
    "description": "CloudEvents 1.0 Kafka binding, binary mode; gt_kid and gt_sig: the "
    "producing service's key id and Ed25519 signature (base64) over the length-prefixed ce_id, "
    "ce_type, ce_source, ce_subject, ce_time and the value",
    "required": ["ce_id", "ce_source", "ce_specversion", "ce_type", "gt_kid", "gt_sig"],
    "properties": {
        name: {"type": "string"}
        for name in (
            "ce_id",
            "ce_source",
            "ce_specversion",
            "ce_type",
            "ce_time",
            "ce_subject",
            "ce_dataschema",
            "content-type",
            "gt_kid",
            "gt_sig",
        )
    },
}


def document() -> dict[str, Any]:
    channels: dict[str, Any] = {}
    messages: dict[str, Any] = {}
    schemas: dict[str, Any] = {}
    for event_type, model in sorted(REGISTRY.items()):
        name = model.__name__
        payload = model.model_json_schema(ref_template="#/components/schemas/{model}")
        schemas.update(payload.pop("$defs", {}))
        messages[name] = {
            "name": event_type,
            "contentType": "application/json",
            "headers": _HEADERS,
            "payload": payload,
            "bindings": {"kafka": {"key": {"type": "string", "description": "clue id"}}},
        }
        channels[model.TOPIC] = {
            "address": model.TOPIC,
            "messages": {name: {"$ref": f"#/components/messages/{name}"}},
        }
    for topic in ALL:
        channels.setdefault(topic, {"address": topic, "description": "reserved"})
        channels[dead_letter(topic)] = {
            "address": dead_letter(topic),
            "description": f"records of {topic} that failed after bounded retries; "
            "original headers plus dlq_reason, dlq_consumer, dlq_source_topic, "
            "dlq_source_partition, dlq_source_offset, dlq_attempts, dlq_failed_at",
        }
    return {
        "asyncapi": "3.0.0",
        "info": {"title": "Guantong events (贯通事件)", "version": "1"},
        "defaultContentType": "application/json",
        "channels": channels,
        "components": {"messages": messages, "schemas": schemas},
    }


def render() -> str:
    return json.dumps(document(), ensure_ascii=False, indent=2, sort_keys=True) + "\n"


if __name__ == "__main__":
    sys.stdout.write(render())
