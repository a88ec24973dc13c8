"""The OpenAPI documents of the three services: every error an operation documents is the one
problem+json schema the services send, and every operation names the scheme it needs."""

from typing import Any

import httpx
import pytest

from services.casework.app import create_app as casework_app
from services.casework.settings import Settings as CaseworkSettings
from services.intake.app import create_app as intake_app
from services.intake.settings import Settings as IntakeSettings
from services.routing.app import create_app as routing_app
from services.routing.settings import Settings as RoutingSettings
from shared.problems import PROBLEM_JSON

HEALTH = {"/healthz", "/readyz"}
AGENCY = [{"agencyKey": []}, {"agencyApiKey": []}]
STAFF = [{"staffBearer": []}]
SERVICE = [{"serviceBearer": []}]


def _document(service: str) -> dict[str, Any]:
    build: dict[str, Any] = {
        "intake": lambda: intake_app(IntakeSettings()),
        "routing": lambda: routing_app(RoutingSettings()),
        "casework": lambda: casework_app(CaseworkSettings()),
    }
    found: dict[str, Any] = build[service]().openapi()
    return found


def _operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method, path, operation)
        for path, item in document["paths"].items()
        for method, operation in item.items()
    ]


@pytest.mark.parametrize("service", ["intake", "routing", "casework"])
class TestEveryService:
    def test_every_error_is_the_problem_schema(self, service: str) -> None:
        document = _document(service)
        wrong = []
        for method, path, operation in _operations(document):
            for status, response in operation["responses"].items():
                if int(status) < 400 or (path == "/readyz" and status == "503"):
                    continue
                content = response.get("content", {})
                schema = content.get(PROBLEM_JSON, {}).get("schema", {})
                if list(content) != [PROBLEM_JSON] or schema != {
                    "$ref": "#/components/schemas/Problem"
                }:
                    wrong.append(f"{method} {path} {status}")
        assert wrong == []
        schemas = document["components"]["schemas"]
        assert "HTTPValidationError" not in schemas
        assert {"type", "title", "status"} <= set(schemas["Problem"]["required"])

    def test_the_common_refusals_are_documented(self, service: str) -> None:
        for method, path, operation in _operations(_document(service)):
            documented = set(operation["responses"])
            assert {"429", "431"} <= documented, f"{method} {path}"
            if path not in HEALTH:
                assert {"401", "503"} <= documented, f"{method} {path}"
            if "{" in path:
                assert "404" in documented, f"{method} {path}"
            if "requestBody" in operation:
                assert {"400", "422"} <= documented, f"{method} {path}"

    def test_every_operation_names_its_scheme(self, service: str) -> None:
        for method, path, operation in _operations(_document(service)):
            wanted = None if path in HEALTH else STAFF
            if service == "intake" and not (path.startswith("/v1/admin") or "unseal" in path):
                wanted = None if path in HEALTH else AGENCY
            if path.startswith("/internal/"):
                wanted = SERVICE
            assert operation.get("security") == wanted, f"{method} {path}"


def test_intake_declares_the_agency_and_staff_schemes() -> None:
    schemes = _document("intake")["components"]["securitySchemes"]
    assert schemes["agencyKey"] == {**schemes["agencyKey"], "type": "http", "scheme": "bearer"}
    assert schemes["agencyApiKey"]["in"] == "header"
    assert schemes["agencyApiKey"]["name"] == "X-API-Key"
    assert schemes["staffBearer"]["bearerFormat"] == "JWT"


async def test_a_405_names_every_method_of_the_resource() -> None:
    # Routing answers before any dependency: no lifespan, no database.
    transport = httpx.ASGITransport(app=intake_app(IntakeSettings()))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        response = await client.request("DELETE", "/v1/referrals")
    assert response.status_code == 405
    assert response.headers["allow"] == "GET, POST"
    assert response.headers["content-type"] == PROBLEM_JSON
