"""A fictional province slice for demos, local runs and tests: 江州市 and its three counties.

Everything comes from `demo_registry.yaml` through the same loader as any registry file, and
the default rule set is put in force when none is; ids derive from the codes, so every
service, test and seed run agrees on them without a lookup.
"""

from services.routing.decisions.handlers import seed_calendar
from services.routing.registry import Body
from services.routing.registry.commands import LoadRegistry
from services.routing.registry.demo import DEMO_REGISTRY_FILE, demo_registry
from services.routing.registry.handlers import load_registry
from services.routing.rules.commands import UploadRuleSet
from services.routing.rules.compile import DEFAULT_RULES
from services.routing.rules.handlers import ensure_in_force
from services.routing.settings import Settings
from services.routing.unit_of_work import RoutingUnitOfWork
from shared.clock import utcnow
from shared.db import make_engine, make_session_factory

SEEDER = "demo-seed"
PROVINCE_REGION = "360000"
CITY_REGION = "365000"


def _depth(body: Body) -> int:
    depth, parent = 0, body.parent_id
    while parent is not None:
        depth, parent = depth + 1, demo_registry().bodies[parent].parent_id
    return depth


# Parents before their children, then by code: the order a reader expects.
DEMO_BODIES: tuple[Body, ...] = tuple(
    sorted(demo_registry().bodies.values(), key=lambda b: (_depth(b), b.code))
)
DEMO_BY_CODE = {b.code: b for b in DEMO_BODIES}


async def seed_demo(settings: Settings) -> None:
    """Idempotent: a second run changes nothing, or only restores the demo's own values."""
    engine = make_engine(settings.database_url)
    try:
        uow = RoutingUnitOfWork(make_session_factory(engine))
        now = utcnow()
        source = DEMO_REGISTRY_FILE.read_text(encoding="utf-8")
        await load_registry(uow, LoadRegistry(source=source, actor=SEEDER), now=now)
        rules = UploadRuleSet(source=DEFAULT_RULES.read_text(encoding="utf-8"), actor=SEEDER)
        await ensure_in_force(uow, rules, now=now)
        await seed_calendar(uow, now=now)
    finally:
        await engine.dispose()
