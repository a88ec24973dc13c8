"""Typed app state and the dependencies every route uses: who calls, and a scoped unit of work.

Roles: `caseworker` (the body's own work), `supervisor` (the same, and approving by acting),
`auditor` (reads the audit trail of its body and of the bodies its token names),
`case_management_office` (statistics of its body and of the bodies its token names). Which
bodies lie under an office comes from the token's `bodies` claim (the identity provider, or
`python -m services.casework token mint --bodies ...` locally), not from a registry here.
"""

from dataclasses import dataclass
from typing import Annotated
from uuid import UUID

from fastapi import Depends

from services.casework import orm
from services.casework.deadlines.calendar import CalendarCache
from services.casework.domain import Actor
from services.casework.scope import Scope
from services.casework.settings import SERVICE, Settings
from services.casework.unit_of_work import CaseworkUnitOfWork
from shared.auth import Principal, TokenVerifier
from shared.bearer import TokenGate, bearer_principal
from shared.runtime import Runtime, RuntimeFactory, services_of

CASEWORKER = "caseworker"
SUPERVISOR = "supervisor"
AUDITOR = "auditor"
CASE_MANAGEMENT_OFFICE = "case_management_office"
ROLES = (CASEWORKER, SUPERVISOR, AUDITOR, CASE_MANAGEMENT_OFFICE)


@dataclass(frozen=True)
class Services:
    """What the API process builds once, in its lifespan."""

    settings: Settings
    runtime: Runtime
    tokens: TokenGate
    calendar: CalendarCache

    @classmethod
    def build(cls, settings: Settings, runtime: RuntimeFactory = Runtime.build) -> "Services":
        built = runtime(SERVICE, settings, orm.metadata)
        verifier = TokenVerifier.for_service(SERVICE, settings)
        return cls(
            settings=settings,
            runtime=built,
            tokens=TokenGate(verifier, built.sessions, orm.revoked_tokens),
            calendar=CalendarCache(settings.clock_policy()),
        )

    def uow(self, scope: Scope) -> CaseworkUnitOfWork:
        """Not entered: the use case enters it and commits."""
        return CaseworkUnitOfWork.of(self.runtime, calendar=self.calendar, scope=scope)


@dataclass(frozen=True)
class Staff:
    user_id: str
    body_id: UUID
    roles: frozenset[str]
    bodies: frozenset[UUID]

    @property
    def actor(self) -> Actor:
        return Actor(self.user_id, self.body_id, self.roles)

    def scope(self, *, widened_by: str | None = None) -> Scope:
        """Their own body; with the role that widens this route, the bodies their token names."""
        if widened_by is not None and widened_by in self.roles:
            return Scope.of(self.body_id, *self.bodies)
        return Scope.of(self.body_id)


def _staff(*roles: str) -> object:
    token = bearer_principal(roles=roles, needs_body=True)

    async def staff(principal: Annotated[Principal, Depends(token)]) -> Staff:
        assert principal.body_id is not None  # needs_body
        return Staff(principal.user_id, principal.body_id, principal.roles, principal.bodies)

    return staff


ServicesDep = Annotated[Services, Depends(services_of(Services))]
CurrentCaseworker = Annotated[Staff, Depends(_staff(CASEWORKER, SUPERVISOR))]
CurrentAuditReader = Annotated[Staff, Depends(_staff(CASEWORKER, SUPERVISOR, AUDITOR))]
CurrentStatsReader = Annotated[
    Staff, Depends(_staff(CASEWORKER, SUPERVISOR, CASE_MANAGEMENT_OFFICE))
]


def _caseworker_uow(services: ServicesDep, staff: CurrentCaseworker) -> CaseworkUnitOfWork:
    return services.uow(staff.scope())


def _audit_uow(services: ServicesDep, staff: CurrentAuditReader) -> CaseworkUnitOfWork:
    return services.uow(staff.scope(widened_by=AUDITOR))


def _stats_uow(services: ServicesDep, staff: CurrentStatsReader) -> CaseworkUnitOfWork:
    return services.uow(staff.scope(widened_by=CASE_MANAGEMENT_OFFICE))


# Un-entered: the use case enters it and is the only place that commits.
UowDep = Annotated[CaseworkUnitOfWork, Depends(_caseworker_uow)]
AuditUowDep = Annotated[CaseworkUnitOfWork, Depends(_audit_uow)]
StatsUowDep = Annotated[CaseworkUnitOfWork, Depends(_stats_uow)]
