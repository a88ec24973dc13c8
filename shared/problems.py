"""RFC 9457 problem details: one exception type and one set of handlers for every service."""

import logging
from collections.abc import Awaitable, Callable, Mapping
from typing import Annotated, Any, Required, TypeVar, cast

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import Field
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError, OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException
from typing_extensions import TypedDict

log = logging.getLogger(__name__)

E = TypeVar("E", bound=Exception)

PROBLEM_JSON = "application/problem+json"
TYPE_BASE = "https://guantong.example/problems/"


class FieldError(TypedDict):
    field: str
    message: str


class ProblemBody(TypedDict, total=False):
    """What every problem+json body of every service holds (the API documents publish this);
    a problem may add safe members of its own, e.g. the actions a 409 still allows."""

    type: Required[Annotated[str, Field(json_schema_extra={"format": "uri"})]]
    title: Required[str]
    status: Required[Annotated[int, Field(ge=400, le=599)]]
    detail: str
    instance: str
    errors: list[FieldError]


class Problem(Exception):
    """Raised by handlers and dependencies; rendered as problem+json."""

    status: int = 400
    slug: str = "bad-request"
    title: str = "Bad request"

    def __init__(
        self,
        detail: str | None = None,
        *,
        status: int | None = None,
        slug: str | None = None,
        title: str | None = None,
        headers: dict[str, str] | None = None,
        **extensions: Any,
    ) -> None:
        super().__init__(detail or self.title)
        self.detail = detail
        self.status = status or self.status
        self.slug = slug or self.slug
        self.title = title or self.title
        self.headers = headers or {}
        self.extensions = extensions


class NotFound(Problem):
    status, slug, title = 404, "not-found", "Not found"


class Unauthorized(Problem):
    status, slug, title = 401, "unauthorized", "Authentication required"

    def __init__(self, detail: str = "missing or invalid credentials", **kw: Any) -> None:
        kw.setdefault("headers", {"WWW-Authenticate": "Bearer"})
        super().__init__(detail, **kw)


class Forbidden(Problem):
    status, slug, title = 403, "forbidden", "Forbidden"


class Conflict(Problem):
    status, slug, title = 409, "conflict", "Conflict"


class Unprocessable(Problem):
    status, slug, title = 422, "unprocessable", "Unprocessable request"


class ValidationFailed(Problem):
    """A 422 shaped like FastAPI's own validation problems, for checks made after parsing."""

    status, slug, title = 422, "validation", "Validation failed"

    def __init__(self, errors: list[dict[str, str]]) -> None:
        super().__init__(_summary(errors), errors=errors)

    @classmethod
    def of(cls, field: str, message: str) -> "ValidationFailed":
        return cls([{"field": field, "message": message}])


def problem_response(
    status: int,
    title: str,
    *,
    slug: str,
    detail: str | None = None,
    instance: str | None = None,
    headers: dict[str, str] | None = None,
    **extensions: Any,
) -> JSONResponse:
    body: dict[str, Any] = {"type": TYPE_BASE + slug, "title": title, "status": status}
    if detail:
        body["detail"] = detail
    if instance:
        body["instance"] = instance
    body.update(extensions)
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def _summary(errors: list[dict[str, str]]) -> str:
    return "; ".join(f"{e['field']}: {e['message']}" for e in errors)


def _field_errors(exc: RequestValidationError) -> list[dict[str, str]]:
    errors = []
    for err in exc.errors():
        loc = [str(part) for part in err.get("loc", ()) if part not in ("body",)]
        errors.append({"field": ".".join(loc) or "body", "message": str(err.get("msg", "invalid"))})
    return errors


def render_problem(request: Request, problem: Problem) -> JSONResponse:
    return problem_response(
        problem.status,
        problem.title,
        slug=problem.slug,
        detail=problem.detail,
        instance=request.url.path,
        headers=problem.headers,
        **problem.extensions,
    )


def install_domain_errors(
    app: FastAPI,
    base: type[E],
    mapping: Mapping[type[E], type[Problem] | Callable[[E], Problem]],
    *,
    with_detail: bool,
    extensions: Callable[[E], Mapping[str, Any]] = lambda _exc: {},
    observe: Callable[[Request, E], Awaitable[None]] | None = None,
) -> None:
    """Each of one service's domain errors becomes one problem+json kind, for every route.

    A mapping value is a Problem class (its status, slug and title; the error's text as detail
    when `with_detail`) or a function building the Problem from the error, for errors that
    carry headers or field errors. `extensions` adds members to the body (a 409's allowed
    actions, say): only what is safe to show the caller. `observe` sees every error first (an
    audit, say). Exact types only: an error the mapping does not name is a plain 400.
    """

    @app.exception_handler(base)
    async def _refused(request: Request, exc: E) -> JSONResponse:
        if observe is not None:
            await observe(request, exc)
        kind = mapping.get(type(exc), Problem)
        if isinstance(kind, type) and issubclass(kind, Problem):
            return problem_response(
                kind.status,
                kind.title,
                slug=kind.slug,
                detail=str(exc) if with_detail else None,
                instance=request.url.path,
                **extensions(exc),
            )
        build = cast(Callable[[E], Problem], kind)
        return render_problem(request, build(exc))


def _is_data_exception(exc: Exception) -> bool:
    # asyncpg's data exceptions reach SQLAlchemy as plain DBAPIErrors; SQLSTATE class 22 says.
    sqlstate = getattr(getattr(exc, "orig", None), "sqlstate", None)
    return isinstance(exc, DBAPIError) and str(sqlstate or "").startswith("22")


def _refused_value(request: Request, exc: Exception) -> JSONResponse:
    """Input the database cannot store (a NUL, an out-of-range value) is the client's to fix:
    503 "retry later" would have it retry the same request for ever."""
    log.warning("database refused a value: %s", type(getattr(exc, "orig", exc)).__name__)
    return problem_response(
        422,
        "Unprocessable request",
        slug="unprocessable",
        detail="a value cannot be stored as given; nothing was changed",
        instance=request.url.path,
    )


def install_problem_handlers(app: FastAPI) -> None:
    @app.exception_handler(Problem)
    async def _problem(request: Request, exc: Problem) -> JSONResponse:
        return render_problem(request, exc)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = _field_errors(exc)
        return problem_response(
            422,
            "Validation failed",
            slug="validation",
            detail=_summary(errors)[:2000],
            instance=request.url.path,
            errors=errors,
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        return problem_response(
            exc.status_code,
            str(exc.detail) if exc.detail else "HTTP error",
            slug=f"http-{exc.status_code}",
            instance=request.url.path,
            headers=dict(exc.headers or {}),
        )

    @app.exception_handler(IntegrityError)
    async def _integrity(request: Request, exc: IntegrityError) -> JSONResponse:
        return problem_response(
            409,
            "Conflict",
            slug="conflict",
            detail="the request conflicts with the current state; nothing was changed",
            instance=request.url.path,
        )

    @app.exception_handler(DataError)
    async def _data(request: Request, exc: DataError) -> JSONResponse:
        return _refused_value(request, exc)

    # asyncpg reports a refused connection as a bare OSError (ConnectionRefusedError) before
    # SQLAlchemy can wrap it; a timeout while connecting arrives as TimeoutError (an OSError).
    @app.exception_handler(OSError)
    @app.exception_handler(OperationalError)
    @app.exception_handler(DBAPIError)
    async def _database(request: Request, exc: Exception) -> JSONResponse:
        if _is_data_exception(exc):
            return _refused_value(request, exc)
        log.error("database unavailable: %s", type(exc).__name__)
        return problem_response(
            503,
            "Service unavailable",
            slug="unavailable",
            detail="storage is unavailable; nothing was changed, retry later",
            instance=request.url.path,
            headers={"Retry-After": "5"},
        )

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error on %s", request.url.path)
        return problem_response(500, "Internal error", slug="internal", instance=request.url.path)
