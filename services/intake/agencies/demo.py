"""Demo partner agencies of the fictional city of 江州 (region 365000)."""

from dataclasses import dataclass
from uuid import NAMESPACE_URL, UUID, uuid5

from services.intake.agencies.commands import SeedAgency
from services.intake.agencies.handlers import seed_agency
from services.intake.settings import Settings
from services.intake.unit_of_work import IntakeUnitOfWork
from shared.codes import AgencyKind
from shared.credit_code import credit_code_with_check
from shared.db import make_engine, make_session_factory

DEMO_LABEL = "demo"


@dataclass(frozen=True)
class DemoAgency:
    id: UUID
    name: str
    code: str
    kind: str
    api_key: str = ""


def _agency(serial: int, name: str, kind: AgencyKind) -> DemoAgency:
    code = credit_code_with_check(f"11365000MB{serial:07d}")
    return DemoAgency(
        id=uuid5(NAMESPACE_URL, f"guantong:agency:{code}"), name=name, code=code, kind=kind
    )


DEMO_AGENCIES = [
    _agency(1, "江州市审计局", AgencyKind.AUDIT_BUREAU),
    _agency(2, "江州市财政局", AgencyKind.FINANCE_SUPERVISION),
    _agency(3, "江州市信访局", AgencyKind.PETITION_OFFICE),
    _agency(4, "江州市12345政务服务便民热线", AgencyKind.HOTLINE),
    _agency(5, "江州市公安局", AgencyKind.POLICE),
]


async def seed_demo(settings: Settings) -> list[DemoAgency]:
    """Idempotent: the agencies once, and a fresh demo key each call (older demo keys revoked)."""
    engine = make_engine(settings.database_url)
    try:
        sessions = make_session_factory(engine)
        seeded = []
        for agency in DEMO_AGENCIES:
            command = SeedAgency(
                credit_code=agency.code,
                name=agency.name,
                kind=agency.kind,
                agency_id=agency.id,
                label=DEMO_LABEL,
            )
            issued = await seed_agency(IntakeUnitOfWork(sessions), command)
            seeded.append(
                DemoAgency(issued.agency_id, agency.name, agency.code, agency.kind, issued.api_key)
            )
        return seeded
    finally:
        await engine.dispose()
