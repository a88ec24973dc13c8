"""The demo registry and its seed: stable ids, a slice with every kind of body, idempotent."""

from uuid import NAMESPACE_URL, uuid5

from sqlalchemy import func, select

from services.routing.demo import CITY_REGION, DEMO_BODIES, seed_demo
from services.routing.orm import routing_audit
from services.routing.rules.compile import default_rule_set
from services.routing.settings import Settings
from services.routing.unit_of_work import RoutingUnitOfWork
from shared.codes import BodyKind, Level
from shared.db import make_engine, make_session_factory


def test_ids_derive_from_the_codes() -> None:
    for body in DEMO_BODIES:
        assert body.id == uuid5(NAMESPACE_URL, "guantong:body:" + body.code)
    assert len({b.code for b in DEMO_BODIES}) == len(DEMO_BODIES)


def test_every_county_has_a_commission_under_the_city_one_and_every_kind_is_there() -> None:
    counties = {
        b.region: b
        for b in DEMO_BODIES
        if b.kind == BodyKind.DISCIPLINE_COMMISSION and b.level == Level.COUNTY
    }
    assert set(counties) == {"365002", "365021", "365022"}
    city = next(
        b for b in DEMO_BODIES if b.kind == BodyKind.DISCIPLINE_COMMISSION and b.level == Level.CITY
    )
    assert city.region == CITY_REGION
    assert all(b.parent_id == city.id for b in counties.values())
    assert {b.kind for b in DEMO_BODIES} == set(BodyKind)


async def test_seeding_again_changes_nothing_and_the_default_rules_are_in_force(
    fresh_url: str,
) -> None:
    engine = make_engine(fresh_url)
    sessions = make_session_factory(engine)
    count = select(func.count()).select_from(routing_audit)
    try:
        async with RoutingUnitOfWork(sessions) as uow:
            state_before = await uow.rule_sets.state()
            audited = (await uow.session.execute(count)).scalar_one()
        await seed_demo(Settings(database_url=fresh_url))
        async with RoutingUnitOfWork(sessions) as uow:
            assert await uow.rule_sets.state() == state_before
            assert (await uow.session.execute(count)).scalar_one() == audited
            versions = await uow.rule_sets.versions()
            stored = await uow.registry.snapshot()
            years = await uow.calendar.working_calendar()
    finally:
        await engine.dispose()
    assert [(v.version, v.active) for v in versions] == [(default_rule_set().version, True)]
    assert {b.code for b in stored.bodies.values()} == {b.code for b in DEMO_BODIES}
    assert 2026 in years.loaded_years
