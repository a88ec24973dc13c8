"""Each service's OpenAPI document tells the truth, on either database: property-based requests
from the document (schemathesis) with every check it has: no server error, every status,
content type, header and body as documented, authentication enforced where declared."""

from collections.abc import Iterator
from typing import Any
from uuid import uuid4

import pytest
import pytest_asyncio
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, settings
from schemathesis.checks import positive_data_acceptance
from schemathesis.core.parameters import ParameterLocation
from schemathesis.python.asgi import shutdown_lifespans

from services.casework.app import create_app as casework_app
from services.casework.settings import Settings as CaseworkSettings
from services.intake.app import create_app as intake_app
from services.intake.settings import Settings as IntakeSettings
from services.routing.app import create_app as routing_app
from services.routing.demo import DEMO_BY_CODE, seed_demo
from services.routing.settings import Settings as RoutingSettings
from shared.settings import ServiceSettings
from tests.intake.builders import auth, new_agency
from tests.security.apps import app_for, settings_for
from tests.support.databases import DatabaseFactory
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

# Schema-valid yet refused (422/428) by rules no JSON Schema can state; every other check runs
# on them, and tests/<service> cover the refusals themselves.
BEYOND_THE_SCHEMA = {
    "POST /v1/referrals": "ID numbers' GB 11643 check digit; the period's end after its start",
    "GET /v1/referrals": "received_before must be later than received_after",
    "POST /v1/webhooks": "the callback host must resolve to a public address",
    "POST /v1/admin/agencies": "the credit code's GB 32100 check character",
    "POST /v1/assignments/{assignment_id}/actions": "If-Match is required: 428, not 422",
    "GET /v1/assignments": "due_before within the years 2000-2100 (shared/timestamps.py)",
    "POST /v1/rule-sets/{version}/dry-run": "since/until within the years 2000-2100",
    "POST /v1/reconciliations": "the window's first day not after its last",
}

UNLIMITED: dict[str, Any] = {"failed_auth_per_second": 1e9, "failed_auth_burst": 10**9}
FUZZ = settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))


def _document(app: FastAPI) -> Any:
    """The app's document, with the ASGI transport, so that the checks' own probes (a request
    without credentials, say) go in-process to the app each call names, as the cases do."""
    schema = schemathesis.openapi.from_dict(app.openapi())
    schema.app = app
    return schema


# The documents need no database; requests go to the apps below, whose lifespans run.
intake_schema = _document(intake_app(IntakeSettings()))
routing_schema = _document(routing_app(RoutingSettings()))
casework_schema = _document(casework_app(CaseworkSettings()))


@pytest.fixture(scope="module")
def intake_config(
    databases: DatabaseFactory, backend: str, tmp_path_factory: pytest.TempPathFactory
) -> ServiceSettings:
    store = str(tmp_path_factory.mktemp("attachments"))
    overrides = {**UNLIMITED, "rate_limit_per_second": 1e9, "rate_limit_burst": 10**9}
    url = databases.url(backend, "intake")
    return settings_for("intake", url, attachment_dir=store, **overrides)


@pytest.fixture(scope="module")
def intake(intake_config: ServiceSettings) -> Iterator[FastAPI]:
    yield app_for("intake", intake_config)
    shutdown_lifespans()


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def agency_key(databases: DatabaseFactory, backend: str) -> str:
    _, key = await new_agency(databases.url(backend, "intake"), "模糊测试审计局")
    return key


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def routing_config(databases: DatabaseFactory, backend: str) -> ServiceSettings:
    url = databases.url(backend, "routing")
    await seed_demo(RoutingSettings(database_url=url))
    return settings_for("routing", url, **UNLIMITED)


@pytest.fixture(scope="module")
def routing(routing_config: ServiceSettings) -> FastAPI:
    return app_for("routing", routing_config)


@pytest.fixture(scope="module")
def casework_config(databases: DatabaseFactory, backend: str) -> ServiceSettings:
    return settings_for("casework", databases.url(backend, "casework"), **UNLIMITED)


@pytest.fixture(scope="module")
def casework(casework_config: ServiceSettings) -> FastAPI:
    return app_for("casework", casework_config)


def _as_a_client_would(case: Any, credentials: dict[str, str]) -> dict[str, Any]:
    """A cursor is only what the API handed out, and a new request carries a new key; the
    refusals of made-up cursors and reused keys are tested in tests/<service>. The caller's
    credentials go with every case but one whose headers schemathesis broke on purpose (a
    missing Authorization, say): that one must be refused as sent."""
    if isinstance(case.query, dict):
        case.query.pop("cursor", None)
    if case.headers and "Idempotency-Key" in case.headers:
        case.headers["Idempotency-Key"] = uuid4().hex
    broken_headers = case.meta is not None and case.meta.is_negative_at(ParameterLocation.HEADER)
    options: dict[str, Any] = {"headers": {} if broken_headers else credentials}
    if f"{case.method.upper()} {case.operation.path}" in BEYOND_THE_SCHEMA:
        options["excluded_checks"] = [positive_data_acceptance]
    return options


# /readyz answers 503 by design while no broker runs, as in these tests.
@intake_schema.exclude(path="/readyz").parametrize()
@FUZZ
def test_intake(
    case: Any, intake: FastAPI, intake_config: ServiceSettings, agency_key: str
) -> None:
    headers = auth(agency_key)
    if case.path.endswith(":unseal"):
        headers = bearer("intake", intake_config, roles=["reporter_unsealer"])
    elif case.path.startswith("/v1/admin"):
        headers = bearer("intake", intake_config, roles=["intake_admin"])
    case.call_and_validate(app=intake, **_as_a_client_would(case, headers))


@routing_schema.exclude(path="/readyz").parametrize()
@FUZZ
def test_routing(case: Any, routing: FastAPI, routing_config: ServiceSettings) -> None:
    headers = bearer(
        "routing",
        routing_config,
        roles=["case_management_office", "caseworker"],
        body_id=DEMO_BY_CODE["jz-cdi"].id,
    )
    case.call_and_validate(app=routing, **_as_a_client_would(case, headers))


@casework_schema.exclude(path="/readyz").parametrize()
@FUZZ
def test_casework(case: Any, casework: FastAPI, casework_config: ServiceSettings) -> None:
    headers = bearer("casework", casework_config, roles=["caseworker"], body_id=uuid4())
    case.call_and_validate(app=casework, **_as_a_client_would(case, headers))
