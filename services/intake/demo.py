"""Demo partner agencies of the fictional city of 江州 (region 365000)."""

from dataclasses import dataclass
from uuid import NAMESPACE_URL, UUID, uuid5

from services.intake.agencies import ensure_agency, issue_key, revoke_keys
from services.intake.identifiers import uscc_with_check
from services.intake.settings import Settings
from shared.db import make_engine, make_session_factory

DEMO_LABEL = "demo"


@dataclass(frozen=True)
class DemoAgency:
    id: UUID
    name: str
    code: str
    kind: str
    api_key: str = ""


def _agency(serial: int, name: str, kind: str) -> DemoAgency:
    code = uscc_with_check(f"11365000MB{serial:07d}")
    return DemoAgency(
        id=uuid5(NAMESPACE_URL, f"guantong:agency:{code}"), name=name, code=code, kind=kind
    )


DEMO_AGENCIES = [
    _agency(1, "江州市审计局", "audit_bureau"),
    _agency(2, "江州市财政局", "finance_bureau"),
    _agency(3, "江州市信访局", "petition_office"),
    _agency(4, "江州市12345政务服务便民热线", "hotline"),
    _agency(5, "江州市公安局", "police"),
]


async def seed_demo(settings: Settings) -> list[DemoAgency]:
    """Idempotent: the agencies once, and a fresh demo key each call (older demo keys revoked)."""
    engine = make_engine(settings.database_url)
    try:
        sessions = make_session_factory(engine)
        seeded = []
        async with sessions() as session, session.begin():
            for agency in DEMO_AGENCIES:
                agency_id = await ensure_agency(
                    session,
                    credit_code=agency.code,
                    name=agency.name,
                    kind=agency.kind,
                    agency_id=agency.id,
                )
                await revoke_keys(session, agency_id, label=DEMO_LABEL)
                issued = await issue_key(session, agency_id, label=DEMO_LABEL)
                seeded.append(
                    DemoAgency(agency_id, agency.name, agency.code, agency.kind, issued.api_key)
                )
        return seeded
    finally:
        await engine.dispose()
