"""A fictional city, 江州市, and its supervision bodies: for demos, local runs and system tests.

Ids derive from the codes, so every service, test and seed run agrees on them without a lookup.
"""

from uuid import NAMESPACE_URL, UUID, uuid5

from services.routing.domain import Body
from services.routing.handlers import seed_bodies
from services.routing.orm import outbox
from services.routing.settings import Settings
from services.routing.unit_of_work import RoutingUnitOfWork
from shared.codes import BodyKind, Level
from shared.db import make_engine, make_session_factory

PROVINCE_REGION = "360000"
CITY_REGION = "365000"


def body_id(code: str) -> UUID:
    return uuid5(NAMESPACE_URL, "guantong:body:" + code)


def _demo(
    code: str, name: str, kind: BodyKind, level: Level, region: str, parent: str | None = None
) -> Body:
    return Body(body_id(code), code, name, kind, level, region, body_id(parent) if parent else None)


_CDI = BodyKind.DISCIPLINE_COMMISSION

# Parents come before their children: the seed inserts them in this order.
DEMO_BODIES: tuple[Body, ...] = (
    _demo("prov-cdi", "省纪委监委", _CDI, Level.PROVINCE, PROVINCE_REGION),
    _demo("jz-cdi", "江州市纪委监委", _CDI, Level.CITY, CITY_REGION, "prov-cdi"),
    _demo("jz-audit", "江州市审计局", BodyKind.AUDIT_BUREAU, Level.CITY, CITY_REGION),
    _demo("jz-finance", "江州市财政局", BodyKind.FINANCE_SUPERVISION, Level.CITY, CITY_REGION),
    _demo("jz-inspection", "江州市委巡察办", BodyKind.INSPECTION_OFFICE, Level.CITY, CITY_REGION),
    _demo("jzq-cdi", "江州区纪委监委", _CDI, Level.COUNTY, "365002", "jz-cdi"),
    _demo("qh-cdi", "清河县纪委监委", _CDI, Level.COUNTY, "365021", "jz-cdi"),
    _demo("qh-audit", "清河县审计局", BodyKind.AUDIT_BUREAU, Level.COUNTY, "365021", "jz-audit"),
    _demo("yx-cdi", "云溪县纪委监委", _CDI, Level.COUNTY, "365022", "jz-cdi"),
)

DEMO_BY_CODE = {b.code: b for b in DEMO_BODIES}


async def seed_demo(settings: Settings) -> None:
    """Upserts the demo bodies by id: a second run only restores these values."""
    engine = make_engine(settings.database_url)
    try:
        uow = RoutingUnitOfWork(make_session_factory(engine), outbox)
        await seed_bodies(uow, DEMO_BODIES)
    finally:
        await engine.dispose()
