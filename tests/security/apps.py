"""One app per service on a real migrated database, with a route that needs a staff token."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any
from uuid import UUID

import httpx
from fastapi import FastAPI

from services.casework.app import create_app as casework_app
from services.casework.settings import Settings as CaseworkSettings
from services.intake.app import create_app as intake_app
from services.routing.app import create_app as routing_app
from services.routing.demo import DEMO_BY_CODE
from services.routing.settings import Settings as RoutingSettings
from shared.settings import ServiceSettings
from tests.intake.builders import intake_settings
from tests.support.databases import DatabaseFactory
from tests.support.http import serve

SERVICES = ("intake", "routing", "casework")
CITY_COMMISSION: UUID = DEMO_BY_CODE["jz-cdi"].id


@dataclass(frozen=True)
class Guarded:
    """A route of one service and the token claims that open it."""

    path: str
    roles: tuple[str, ...]
    body_id: UUID | None


GUARDED = {
    "intake": Guarded("/v1/admin/agencies", ("intake_admin",), None),
    "routing": Guarded("/v1/bodies", ("caseworker",), CITY_COMMISSION),
    "casework": Guarded("/v1/assignments", ("caseworker",), CITY_COMMISSION),
}


def settings_for(service: str, url: str, **overrides: Any) -> ServiceSettings:
    values: dict[str, Any] = {"database_url": url, "run_relay": False, "run_consumers": False}
    if service == "intake":
        return intake_settings(url, **overrides)
    values.update(overrides)
    if service == "routing":
        return RoutingSettings(**values)
    return CaseworkSettings(**values)


def app_for(service: str, settings: ServiceSettings) -> FastAPI:
    factories: dict[str, Any] = {
        "intake": intake_app,
        "routing": routing_app,
        "casework": casework_app,
    }
    app: FastAPI = factories[service](settings)
    return app


@asynccontextmanager
async def client_for(
    service: str, databases: DatabaseFactory, backend: str, **overrides: Any
) -> AsyncIterator[tuple[httpx.AsyncClient, ServiceSettings]]:
    settings = settings_for(service, databases.url(backend, service), **overrides)
    async with serve(app_for(service, settings)) as client:
        yield client, settings
