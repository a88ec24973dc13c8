"""Typed app state and the dependencies every route uses, as Annotated aliases."""

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from services.routing.audit import staff_actor
from services.routing.decisions.office import OfficeScope
from services.routing.decisions.review import scope_for
from services.routing.rules.in_force import RulesInForce
from services.routing.settings import Settings
from services.routing.unit_of_work import RoutingUnitOfWork
from shared.auth import Principal
from shared.bearer import TokenGate, bearer_principal
from shared.runtime import Runtime

CASE_MANAGEMENT_OFFICE = "case_management_office"
ROUTING_ADMIN = "routing_admin"


@dataclass(frozen=True)
class Services:
    """What the lifespan of one API process builds, once."""

    settings: Settings
    runtime: Runtime
    tokens: TokenGate
    rules: RulesInForce


def services(request: Request) -> Services:
    found = request.app.state.services
    if not isinstance(found, Services):
        raise TypeError("the app's lifespan did not build routing's Services")
    return found


ServicesDep = Annotated[Services, Depends(services)]


def settings(services: ServicesDep) -> Settings:
    return services.settings


def unit_of_work(services: ServicesDep) -> RoutingUnitOfWork:
    """Not entered: the use case enters it, and is the only one to commit."""
    runtime = services.runtime
    return RoutingUnitOfWork(runtime.sessions, runtime.outbox, on_commit=runtime.relay.wake)


SettingsDep = Annotated[Settings, Depends(settings)]
UowDep = Annotated[RoutingUnitOfWork, Depends(unit_of_work)]
CurrentStaff = Annotated[Principal, Depends(bearer_principal())]
CaseManager = Annotated[
    Principal, Depends(bearer_principal(roles=[CASE_MANAGEMENT_OFFICE], needs_body=True))
]
RoutingAdmin = Annotated[Principal, Depends(bearer_principal(roles=[ROUTING_ADMIN]))]
OfficeOrAdmin = Annotated[
    Principal, Depends(bearer_principal(roles=[ROUTING_ADMIN, CASE_MANAGEMENT_OFFICE]))
]


async def office_scope(manager: CaseManager, uow: UowDep) -> OfficeScope:
    assert manager.body_id is not None  # needs_body
    officer = staff_actor(manager.user_id, manager.body_id)
    return await scope_for(uow, manager.body_id, officer=officer)


OfficeScopeDep = Annotated[OfficeScope, Depends(office_scope)]
