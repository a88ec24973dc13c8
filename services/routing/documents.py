"""YAML documents in request bodies (rule sets, registry files), read only after auth.

A route reads the body itself, after its dependencies have authenticated the caller, so nobody
unauthenticated gets a large body read; and the read stops at the size a document may have.
Either the YAML itself (`application/yaml`) or JSON `{"source": "<yaml>", ...}`.
"""

import json
from dataclasses import dataclass
from typing import Any

from fastapi import Request

from services.routing.errors import BadDocument, DocumentTooLarge
from services.routing.yamldoc import MAX_CHARACTERS

MAX_BYTES = 4 * MAX_CHARACTERS  # UTF-8 needs at most four bytes a character
YAML_TYPES = ("application/yaml", "application/x-yaml", "text/yaml", "text/plain")


@dataclass(frozen=True)
class Document:
    source: str
    options: dict[str, Any]  # the other JSON members (e.g. dry_run), empty for raw YAML


def openapi_body(example: str, **options: dict[str, Any]) -> dict[str, Any]:
    """The request body as OpenAPI should show it: YAML as is, or JSON with `source`."""
    properties: dict[str, Any] = {"source": {"type": "string", "maxLength": MAX_CHARACTERS}}
    properties.update(options)
    json_schema = {"type": "object", "required": ["source"], "properties": properties}
    return {
        "requestBody": {
            "required": True,
            "content": {
                "application/yaml": {"schema": {"type": "string"}, "example": example},
                "application/json": {"schema": json_schema, "example": {"source": example}},
            },
        }
    }


async def read_document(request: Request) -> Document:
    raw = await _bounded_body(request)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise BadDocument("the body is not UTF-8") from None
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind in YAML_TYPES:
        return Document(text, {})
    if kind != "application/json":
        raise BadDocument(f"send application/yaml or application/json, not {kind or 'nothing'}")
    try:
        body = json.loads(text)
    except ValueError:
        raise BadDocument("the body is not JSON") from None
    if not isinstance(body, dict) or not isinstance(body.get("source"), str):
        raise BadDocument("the JSON body needs a string member `source`")
    return Document(body.pop("source"), body)


async def _bounded_body(request: Request) -> bytes:
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BYTES:
        raise DocumentTooLarge(f"documents are limited to {MAX_BYTES} bytes")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BYTES:
            raise DocumentTooLarge(f"documents are limited to {MAX_BYTES} bytes")
        chunks.append(chunk)
    return b"".join(chunks)
