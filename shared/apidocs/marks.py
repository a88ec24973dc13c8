"""What the parts of an app tell its OpenAPI document about the problems they answer, so that
the document is built from these facts rather than by hand per route."""

from dataclasses import dataclass
from typing import Any, Literal

# A route's `openapi_extra` for an endpoint that never reaches the database (never a 503);
# the marker itself is taken out of the published document.
WITHOUT_STORAGE_KEY = "x-guantong-without-storage"
WITHOUT_STORAGE: dict[str, Any] = {WITHOUT_STORAGE_KEY: True}

# What a route protected by a security scheme may answer because of it: every scheme refuses
# a missing or wrong credential (401); a staff token may also lack the role (403).
SCHEME_REFUSALS: dict[str, frozenset[int]] = {"staffBearer": frozenset({401, 403})}
DEFAULT_SCHEME_REFUSALS = frozenset({401})


@dataclass(frozen=True)
class MiddlewareRefusal:
    """A status a middleware answers before any route runs: on every operation, or only on
    those that take a request body. A middleware class lists its own in the class attribute
    `documented_refusals`."""

    status: int
    applies_to: Literal["every", "with-body"] = "every"


def middleware_refusals(middleware_class: object) -> tuple[MiddlewareRefusal, ...]:
    found = getattr(middleware_class, "documented_refusals", ())
    return tuple(r for r in found if isinstance(r, MiddlewareRefusal))
