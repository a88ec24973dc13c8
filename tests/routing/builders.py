"""Builders for routing tests: clues, tokens, deliveries. Every clue is new (uuid4)."""

from datetime import UTC, datetime
from uuid import UUID, uuid4

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.routing.demo import DEMO_BY_CODE
from services.routing.domain import RoutingDecision
from services.routing.handlers import route_received_clue
from services.routing.orm import inbox, outbox
from services.routing.repository import Repository
from services.routing.settings import Settings
from shared.codes import Category, Channel, Level, Rank
from shared.events.contracts import ClueReceived, SubjectSnapshot
from shared.inbox import claim
from tests.support import tokens

CONSUMER = "routing"  # the runtime names its consumer group, and so its inbox rows, after itself


def demo_id(code: str) -> UUID:
    return DEMO_BY_CODE[code].id


def a_subject(level: Level = Level.COUNTY, *, leader: bool = False) -> SubjectSnapshot:
    return SubjectSnapshot(
        name="李某",
        id_number_hash="0" * 64,
        unit="清河县水利局",
        position="局长",
        rank=Rank.TOWNSHIP_SECTION,
        managing_level=level,
        party_member=True,
        same_level_committee_leader=leader,
    )


def a_clue(
    region: str = "365021",
    level: Level = Level.COUNTY,
    *,
    leader: bool = False,
    subjects: list[SubjectSnapshot] | None = None,
) -> ClueReceived:
    return ClueReceived(
        clue_id=uuid4(),
        receipt_number=f"GT-TEST-{uuid4().hex[:12]}",
        agency_id=uuid4(),
        agency_name="江州市审计局",
        received_at=datetime.now(UTC),
        subjects=[a_subject(level, leader=leader)] if subjects is None else subjects,
        category=Category.INTEGRITY,
        channel=Channel.AUDIT,
        summary="水利项目资金疑似被挪用",
        region=region,
    )


async def deliver(
    sessions: async_sessionmaker[AsyncSession], event: ClueReceived, *, event_id: str
) -> None:
    """What the consumer loop does with one record: claim the id, handle, commit together."""
    async with sessions() as session, session.begin():
        if await claim(session, inbox, consumer=CONSUMER, event_id=event_id):
            await route_received_clue(session, event)


async def decision_of(sessions: async_sessionmaker[AsyncSession], clue_id: UUID) -> RoutingDecision:
    async with sessions() as session:
        decision = await Repository(session).decision_for(clue_id)
    assert decision is not None, f"no decision for {clue_id}"
    return decision


async def outbox_types(sessions: async_sessionmaker[AsyncSession], clue_id: UUID) -> list[str]:
    query = (
        select(outbox.c.event_type)
        .where(outbox.c.message_key == str(clue_id))
        .order_by(outbox.c.id)
    )
    async with sessions() as session:
        return list((await session.execute(query)).scalars())


async def inbox_count(sessions: async_sessionmaker[AsyncSession], event_id: str) -> int:
    query = select(func.count()).select_from(inbox).where(inbox.c.event_id == event_id)
    async with sessions() as session:
        return int((await session.execute(query)).scalar_one())


def bearer(settings: Settings, *roles: str, body: str = "jz-cdi") -> dict[str, str]:
    return tokens.bearer("routing", settings, body_id=demo_id(body), roles=roles)
