"""Builders for casework tests: routed clues, tokens, deliveries through the inbox."""

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any
from uuid import UUID, uuid4

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.casework.consumer import on_clue_routed
from services.casework.orm import inbox, outbox
from services.casework.settings import Settings
from shared.codes import Category, Channel, Level, Rank
from shared.events.contracts import ClueRouted, ClueStatusChanged, SubjectSnapshot
from shared.inbox import claim
from tests.support import tokens

CONSUMER = "casework"
SECRET = Settings().hs256_secret()


def subject(**overrides: Any) -> SubjectSnapshot:
    values: dict[str, Any] = {
        "name": "张三",
        "id_number_hash": "9f2c" * 16,
        "unit": "某区财政局",
        "position": "副局长",
        "rank": Rank.COUNTY_DIVISION,
        "managing_level": Level.COUNTY,
        "party_member": True,
    }
    return SubjectSnapshot(**(values | overrides))


def routed(
    *,
    lead: UUID | None = None,
    co: Iterable[UUID] = (),
    clue_id: UUID | None = None,
) -> ClueRouted:
    clue = clue_id or uuid4()
    return ClueRouted(
        clue_id=clue,
        decision_id=uuid4(),
        lead_body_id=lead or uuid4(),
        lead_body_name="测试市纪委监委",
        co_body_ids=list(co),
        rule="test.rule",
        reason="chosen by a test",
        routed_at=datetime.now(UTC),
        receipt_number=f"GT-TEST-{clue.hex[:12]}",
        category=Category.INTEGRITY,
        channel=Channel.AUDIT,
        summary=f"专项资金使用异常 {clue.hex[:8]}",
        region="110105",
        subjects=[subject()],
    )


def token(
    body_id: UUID | None, *, roles: Iterable[str] = ("caseworker",), secret: str = SECRET
) -> str:
    return tokens.token("casework", secret, body_id=body_id, roles=roles)


def bearer(body_id: UUID | None, **kw: Any) -> dict[str, str]:
    return {"Authorization": f"Bearer {token(body_id, **kw)}"}


async def deliver(
    sessions: async_sessionmaker[AsyncSession], event: ClueRouted, *, event_id: str | None = None
) -> None:
    """What shared.consumer does per record: inbox claim and handler in one transaction."""
    handle = on_clue_routed(outbox, Settings())
    async with sessions() as session, session.begin():
        if await claim(session, inbox, consumer=CONSUMER, event_id=event_id or str(uuid4())):
            await handle(session, event)


async def staged_statuses(
    sessions: async_sessionmaker[AsyncSession], clue_id: UUID
) -> list[ClueStatusChanged]:
    query = select(outbox.c.payload).where(
        outbox.c.message_key == str(clue_id),
        outbox.c.event_type == ClueStatusChanged.event_type(),
    )
    async with sessions() as session:
        payloads = (await session.execute(query)).scalars().all()
    return [ClueStatusChanged.model_validate_json(p) for p in payloads]
