"""Every operation of a service's OpenAPI document names the problem+json responses it can
really give, with the one problem schema, instead of FastAPI's `{detail: [...]}` 422 model.

The statuses come from what the app is made of: its middleware (`documented_refusals`), each
operation's parameters, body, security schemes and method as FastAPI documented them from the
route and its dependencies, and the responses a route declares itself (whose descriptions are
kept: they say what the status means there).
"""

import json
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI
from pydantic import TypeAdapter

from shared.apidocs.marks import (
    DEFAULT_SCHEME_REFUSALS,
    SCHEME_REFUSALS,
    WITHOUT_STORAGE_KEY,
    MiddlewareRefusal,
    middleware_refusals,
)
from shared.problems import PROBLEM_JSON, ProblemBody

PROBLEM_REF = "#/components/schemas/Problem"
_FASTAPI_VALIDATION = ("HTTPValidationError", "ValidationError")
_WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_METHODS = _WRITES | {"GET", "HEAD", "OPTIONS", "TRACE"}

DESCRIPTIONS = {
    400: "The body could not be read as the declared content type",
    401: "No valid credentials: missing, unknown, expired or revoked",
    403: "Authenticated, but not allowed to do this",
    404: "Absent, or not the caller's to see",
    409: "Conflicts with the current state; nothing was changed",
    412: "Changed since the ETag given in If-Match; read it again",
    413: "The request body is larger than accepted",
    415: "The content type is not accepted here",
    422: "Invalid input, each problem named in `errors`; nothing was changed",
    428: "If-Match is required",
    429: "Too many requests; retry after Retry-After seconds",
    431: "The request line and headers are too large",
    503: "Storage is unavailable; nothing was changed, retry after Retry-After seconds",
}
_RETRY_AFTER = {
    "Retry-After": {
        "description": "seconds to wait before retrying",
        "schema": {"type": "integer", "minimum": 0},
    }
}
HEADERS: dict[int, dict[str, Any]] = {
    401: {
        "WWW-Authenticate": {
            "description": "the scheme to authenticate with",
            "schema": {"type": "string"},
        }
    },
    429: _RETRY_AFTER,
    503: _RETRY_AFTER,
}


def install(app: FastAPI) -> None:
    """Replaces app.openapi with FastAPI's own document, rewritten once and cached."""
    generate = app.openapi
    rewritten: list[dict[str, Any]] = []

    def document() -> dict[str, Any]:
        if not rewritten:
            rewritten.append(with_problems(app, generate()))
        return rewritten[0]

    app.openapi = document  # type: ignore[method-assign]


def with_problems(app: FastAPI, document: dict[str, Any]) -> dict[str, Any]:
    refusals = [r for m in app.user_middleware for r in middleware_refusals(m.cls)]
    for item in document.get("paths", {}).values():
        for method, operation in item.items():
            if method.upper() not in _METHODS:
                continue
            for status in sorted(statuses(method.upper(), operation, refusals)):
                _document_problem(operation["responses"], status)
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    schemas.update(_problem_schemas())
    _drop_unreferenced(document, schemas, _FASTAPI_VALIDATION)
    return document


def statuses(method: str, operation: dict[str, Any], refusals: list[MiddlewareRefusal]) -> set[int]:
    """What the operation may answer, read from the document FastAPI built from the route."""
    parameters = {(p["in"], p["name"].lower()) for p in operation.get("parameters", ())}
    has_body = "requestBody" in operation
    found = {r.status for r in refusals if r.applies_to == "every" or has_body}
    found |= {int(code) for code in operation["responses"] if code.isdigit() and int(code) >= 400}
    for requirement in operation.get("security", ()):
        for scheme in requirement:
            found |= SCHEME_REFUSALS.get(scheme, DEFAULT_SCHEME_REFUSALS)
    if any(where == "path" for where, _ in parameters):
        found.add(404)
    if has_body:
        found |= {400, 422}
    if parameters:
        found.add(422)
    if not operation.pop(WITHOUT_STORAGE_KEY, False):
        found |= {503, 409} if method in _WRITES else {503}
    if ("header", "if-match") in parameters:
        found |= {412, 428}
    return found


def _document_problem(responses: dict[str, Any], status: int) -> None:
    response = responses.setdefault(str(status), {})
    content = response.get("content", {})
    if content and not _is_fastapi_validation(content):
        return  # the route documents a body of its own (a readiness report, say)
    if not response.get("description") or response["description"] == "Validation Error":
        response["description"] = DESCRIPTIONS.get(status) or HTTPStatus(status).phrase
    response["content"] = {PROBLEM_JSON: {"schema": {"$ref": PROBLEM_REF}}}
    if status in HEADERS:
        response["headers"] = {**HEADERS[status], **response.get("headers", {})}


def _is_fastapi_validation(content: dict[str, Any]) -> bool:
    return any(
        media.get("schema", {}).get("$ref", "").endswith("/HTTPValidationError")
        for media in content.values()
    )


def _problem_schemas() -> dict[str, Any]:
    schema = TypeAdapter(ProblemBody).json_schema(ref_template="#/components/schemas/{model}")
    found: dict[str, Any] = schema.pop("$defs", {})
    schema["title"] = "Problem"
    schema["description"] = "RFC 9457 problem details, as every error of this service is sent"
    found["Problem"] = schema
    return found


def _drop_unreferenced(
    document: dict[str, Any], schemas: dict[str, Any], names: tuple[str, ...]
) -> None:
    for name in names:
        rest = {k: v for k, v in document.items() if k != "components"}
        others = {k: v for k, v in schemas.items() if k != name}
        if f'/{name}"' not in json.dumps([rest, others]):
            schemas.pop(name, None)
