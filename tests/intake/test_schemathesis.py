"""Intake's OpenAPI document: an example for every request body, and no server error under
property-based requests from schemathesis (SQLite only: the point is the API, not the backend)."""

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.python.asgi import shutdown_lifespans

from services.intake.app import create_app
from services.intake.settings import Settings
from tests.intake.builders import auth, intake_app, new_agency
from tests.support.databases import DatabaseFactory
from tests.support.http import serve
from tests.support.tokens import bearer

# Attachment types schemathesis has no encoder for travel as the raw bytes they are.
schemathesis.serializer.alias(
    [
        "application/pdf",
        "application/zip",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ],
    "application/octet-stream",
)

UNLIMITED = {"rate_limit_per_second": 1e9, "rate_limit_burst": 10**9}


@pytest.fixture(scope="module")
def sqlite_url(databases: DatabaseFactory) -> str:
    return databases.url("sqlite", "intake")


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def agency_key(sqlite_url: str) -> str:
    _, key = await new_agency(sqlite_url, "模糊测试审计局")
    return key


@pytest.fixture(scope="module")
def intake_asgi(sqlite_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    store = tmp_path_factory.mktemp("attachments")
    yield intake_app(sqlite_url, attachment_dir=str(store), **UNLIMITED)
    shutdown_lifespans()


# The document needs no database; requests go to `intake_asgi`, whose lifespan schemathesis runs.
schema = schemathesis.openapi.from_dict(create_app(Settings()).openapi())


# /readyz answers 503 by design while no broker runs, as in this test.
@schema.exclude(path="/readyz").parametrize()
@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_request_makes_a_server_error(case: Any, intake_asgi: Any, agency_key: str) -> None:
    headers = auth(agency_key)
    if case.path.endswith(":unseal"):
        headers = bearer("intake", intake_asgi.state.settings, roles=["reporter_unsealer"])
    case.call_and_validate(app=intake_asgi, headers=headers, checks=[not_a_server_error])


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
