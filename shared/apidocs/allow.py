"""A 405 names every method of the resource (RFC 9110 `Allow`), not only those of the first
route that matched its path: FastAPI keeps GET and POST of one path as separate routes."""

import re
from collections.abc import Awaitable, Callable

from fastapi import FastAPI, Request
from fastapi.responses import Response
from starlette.exceptions import HTTPException

from shared.problems import problem_response

_PARAMETER = re.compile(r"\\\{[^/]+?\\\}")
_METHODS = ("DELETE", "GET", "PATCH", "POST", "PUT")


def install(app: FastAPI) -> None:
    resources: list[tuple[re.Pattern[str], str]] = []

    def allowed(path: str) -> str | None:
        if not resources:
            resources.extend(_resources(app.openapi()["paths"]))
        return next((allow for pattern, allow in resources if pattern.fullmatch(path)), None)

    app.add_exception_handler(405, _handler(allowed))  # by status: ahead of the class handler


def _handler(
    allowed: Callable[[str], str | None],
) -> Callable[[Request, Exception], Awaitable[Response]]:
    async def method_not_allowed(request: Request, exc: Exception) -> Response:
        headers = (
            dict(getattr(exc, "headers", None) or {}) if isinstance(exc, HTTPException) else {}
        )
        allow = allowed(request.url.path)
        if allow is not None:
            headers["Allow"] = allow
        return problem_response(
            405,
            "Method Not Allowed",
            slug="http-405",
            instance=request.url.path,
            headers=headers,
        )

    return method_not_allowed


def _resources(paths: dict[str, dict[str, object]]) -> list[tuple[re.Pattern[str], str]]:
    found = []
    for template, item in paths.items():
        methods = {m.upper() for m in item} & set(_METHODS)
        pattern = re.compile(_PARAMETER.sub("[^/]+", re.escape(template)))
        found.append((pattern, ", ".join(sorted(methods))))
    return found
