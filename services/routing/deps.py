"""Typed app state and the dependencies every route uses, as Annotated aliases."""

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends

from services.routing import orm
from services.routing.audit import staff_actor
from services.routing.decisions.office import OfficeScope
from services.routing.decisions.review import scope_for
from services.routing.rules.in_force import RulesInForce
from services.routing.settings import SERVICE, Settings
from services.routing.unit_of_work import RoutingUnitOfWork
from shared.auth import Principal, TokenVerifier
from shared.bearer import TokenGate, bearer_principal
from shared.runtime import Runtime, RuntimeFactory, services_of

CASE_MANAGEMENT_OFFICE = "case_management_office"
ROUTING_ADMIN = "routing_admin"


@dataclass(frozen=True)
class Services:
    """What the lifespan of one API process builds, once."""

    settings: Settings
    runtime: Runtime
    tokens: TokenGate
    rules: RulesInForce

    @classmethod
    def build(cls, settings: Settings, runtime: RuntimeFactory = Runtime.build) -> "Services":
        built = runtime(SERVICE, settings, orm.metadata)
        verifier = TokenVerifier.for_service(SERVICE, settings)
        tokens = TokenGate(verifier, built.sessions, orm.revoked_tokens)
        return cls(settings=settings, runtime=built, tokens=tokens, rules=RulesInForce())

    def uow(self) -> RoutingUnitOfWork:
        """Not entered: the use case enters it, and is the only one to commit."""
        return RoutingUnitOfWork.of(self.runtime)


ServicesDep = Annotated[Services, Depends(services_of(Services))]


def settings(services: ServicesDep) -> Settings:
    return services.settings


def unit_of_work(services: ServicesDep) -> RoutingUnitOfWork:
    return services.uow()


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
