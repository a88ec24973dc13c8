"""The demo registry: stable ids other services can rely on, and a seed that can run twice."""

from uuid import NAMESPACE_URL, uuid5

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.routing.demo import CITY_REGION, DEMO_BODIES, seed_demo
from services.routing.repository import Repository
from services.routing.settings import Settings
from shared.codes import BodyKind, Level


def test_ids_derive_from_the_codes() -> None:
    for body in DEMO_BODIES:
        assert body.id == uuid5(NAMESPACE_URL, "guantong:body:" + body.code)
    assert len({b.code for b in DEMO_BODIES}) == len(DEMO_BODIES)


def test_every_county_has_a_commission_under_the_city_one() -> None:
    counties = {
        b.region: b
        for b in DEMO_BODIES
        if b.kind == BodyKind.DISCIPLINE_COMMISSION and b.level == Level.COUNTY
    }
    assert set(counties) == {"365002", "365021", "365022"}
    city = next(b for b in DEMO_BODIES if b.level == Level.CITY and b.region == CITY_REGION)
    assert all(b.parent_id == city.id for b in counties.values())


async def test_seeding_twice_leaves_one_row_per_body(
    seeded_url: str, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await seed_demo(Settings(database_url=seeded_url))
    async with sessions() as session:
        stored = await Repository(session).list_bodies(include_inactive=True)
    demo_codes = {b.code for b in DEMO_BODIES}
    assert sorted(b.code for b in stored if b.code in demo_codes) == sorted(demo_codes)
    by_code = {b.code: b for b in stored}
    assert all(by_code[d.code].name == d.name and by_code[d.code].id == d.id for d in DEMO_BODIES)
