"""Query parameters a route does not declare are refused (422 naming each), never ignored: a
misspelt filter (`?recieved_after=`) would otherwise answer as if no filter had been asked for.

One app-wide dependency (`FastAPI(dependencies=KNOWN_QUERY_ONLY)`), reading the route's own
declared query parameters, those of its dependencies and of its `openapi_extra`.
"""

from collections.abc import Iterable
from typing import Any

from fastapi import Depends, Request
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from pydantic import BaseModel

from shared.problems import ValidationFailed

_declared: dict[int, frozenset[str]] = {}


def _query_names(dependant: Dependant) -> set[str]:
    names: set[str] = set()
    for param in dependant.query_params:
        model = param.field_info.annotation
        if isinstance(model, type) and issubclass(model, BaseModel):  # a query parameter model
            names |= {f.alias or name for name, f in model.model_fields.items()}
        else:
            names.add(param.alias)
    for sub in dependant.dependencies:
        names |= _query_names(sub)
    return names


def _names(route: APIRoute) -> frozenset[str]:
    found = _declared.get(id(route))
    if found is None:
        extra: Iterable[dict[str, Any]] = (route.openapi_extra or {}).get("parameters", [])
        documented = {str(p["name"]) for p in extra if p.get("in") == "query"}
        found = _declared[id(route)] = frozenset(_query_names(route.dependant) | documented)
    return found


async def known_query_only(request: Request) -> None:
    route = request.scope.get("route")
    if not isinstance(route, APIRoute) or not request.query_params:
        return
    unknown = sorted(set(request.query_params) - _names(route))
    if unknown:
        raise ValidationFailed(
            [
                {"field": f"query.{name}"[:80], "message": "unknown query parameter"}
                for name in unknown
            ]
        )


KNOWN_QUERY_ONLY = [Depends(known_query_only)]
