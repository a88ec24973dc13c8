"""Intake's OpenAPI document: an example for every request body (schemathesis, on every service
and both databases, is tests/security/test_no_server_error.py)."""

from pathlib import Path
from typing import Any

from tests.intake.builders import intake_app
from tests.support.databases import DatabaseFactory
from tests.support.http import serve


def _resolve(document: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        path = node["$ref"].removeprefix("#/").split("/")
        node = document
        for part in path:
            node = node[part]
    return node


async def test_every_request_body_has_an_example(
    databases: DatabaseFactory, tmp_path: Path
) -> None:
    async with serve(intake_app(databases.url("sqlite", "intake"))) as client:
        document = (await client.get("/openapi.json")).json()
    missing = []
    for path, item in document["paths"].items():
        for method, operation in item.items():
            for media_type, content in operation.get("requestBody", {}).get("content", {}).items():
                schema_node = _resolve(document, content.get("schema", {}))
                if not {"example", "examples"} & (content.keys() | schema_node.keys()):
                    missing.append(f"{method.upper()} {path} ({media_type})")
    assert missing == []
