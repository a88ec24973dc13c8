"""Builders for casework tests: routed clues, tokens, deliveries through casework's own consumer."""

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any
from uuid import UUID, uuid4

import httpx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.casework.consumer import subscriptions
from services.casework.deadlines.calendar import CalendarCache
from services.casework.orm import audit_log, inbox, outbox
from services.casework.settings import Settings
from shared.codes import Category, Channel, Level, Rank
from shared.consumer import apply_events
from shared.events import Event
from shared.events.contracts import (
    ClueLinked,
    ClueRouted,
    ClueStatusChanged,
    DecisionKind,
    LinkBasis,
    RelatedClue,
    SubjectSnapshot,
)
from tests.support import tokens

CONSUMER = "casework"  # the worker names its consumer group, and so its inbox rows, after itself
SECRET = Settings().hs256_secret()
Sessions = async_sessionmaker[AsyncSession]


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
    at: datetime | None = None,
    **fields: Any,
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
        routed_at=at or datetime.now(UTC),
        receipt_number=f"GT-TEST-{clue.hex[:12]}",
        category=Category.INTEGRITY,
        channel=Channel.AUDIT,
        summary=f"专项资金使用异常 {clue.hex[:8]}",
        region="110105",
        subjects=[subject()],
        **fields,
    )


def handoff_of(
    first: ClueRouted, *, assignment_id: UUID, to: UUID, split: str | None = None
) -> ClueRouted:
    """What routing sends when it places a handoff (or the transferred part of a split)."""
    kind = DecisionKind.SPLIT if split else DecisionKind.HANDOFF
    return routed(
        clue_id=first.clue_id,
        lead=to,
        stage=first.stage + 1,
        kind=kind,
        handoff_of=assignment_id,
        from_body_id=first.lead_body_id,
        part=split,
    )


def linked(new_clue: UUID, *related: UUID, repeat: bool = False) -> ClueLinked:
    return ClueLinked(
        clue_id=new_clue,
        related=[RelatedClue(clue_id=r, basis=LinkBasis.ID_HASH) for r in related],
        repeat_of_concluded=repeat,
        linked_at=datetime.now(UTC),
    )


def token(
    body_id: UUID | None,
    *,
    roles: Iterable[str] = ("caseworker",),
    secret: str = SECRET,
    **kw: Any,
) -> str:
    return tokens.token("casework", secret, body_id=body_id, roles=roles, **kw)


def bearer(body_id: UUID | None, **kw: Any) -> dict[str, str]:
    return {"Authorization": f"Bearer {token(body_id, **kw)}"}


def supervisor(body_id: UUID) -> dict[str, str]:
    return bearer(body_id, roles=["supervisor"], user="supervisor-1")


async def deliver(sessions: Sessions, event: Event, *, event_id: str | None = None) -> None:
    """The worker's own subscription handler, applied as its consumer loop applies a record."""
    handlers = {s.topic: s.handler for s in subscriptions(CalendarCache())}
    await apply_events(
        sessions,
        inbox,
        consumer=CONSUMER,
        handlers=handlers,
        events=[(event_id or str(uuid4()), event)],
    )


async def staged(sessions: Sessions, clue_id: UUID, kind: type[Event]) -> list[Any]:
    query = (
        select(outbox.c.payload)
        .where(outbox.c.message_key == str(clue_id), outbox.c.event_type == kind.event_type())
        .order_by(outbox.c.id)
    )
    async with sessions() as session:
        payloads = (await session.execute(query)).scalars().all()
    return [kind.model_validate_json(p) for p in payloads]


async def staged_statuses(sessions: Sessions, clue_id: UUID) -> list[ClueStatusChanged]:
    return list(await staged(sessions, clue_id, ClueStatusChanged))


async def outbox_count(sessions: Sessions, clue_id: UUID) -> int:
    query = select(func.count()).where(outbox.c.message_key == str(clue_id))
    async with sessions() as session:
        return int((await session.execute(query)).scalar_one())


async def audit_count(sessions: Sessions, assignment_id: UUID) -> int:
    query = select(func.count()).where(audit_log.c.assignment_id == assignment_id)
    async with sessions() as session:
        return int((await session.execute(query)).scalar_one())


class Desk:
    """A caseworker's (or supervisor's) app talking to the API over HTTP."""

    def __init__(self, client: httpx.AsyncClient, body: UUID) -> None:
        self.client, self.body = client, body

    async def inbox(self, **params: Any) -> dict[str, Any]:
        response = await self.client.get(
            "/v1/assignments", params=params, headers=bearer(self.body)
        )
        assert response.status_code == 200, response.text
        return dict(response.json())

    async def only(self, clue_id: UUID) -> dict[str, Any]:
        items = [i for i in (await self.inbox(limit=100))["items"] if i["clue_id"] == str(clue_id)]
        assert len(items) == 1, items
        return await self.get(UUID(items[0]["id"]))

    async def get(self, assignment_id: UUID) -> dict[str, Any]:
        response = await self.client.get(
            f"/v1/assignments/{assignment_id}", headers=bearer(self.body)
        )
        assert response.status_code == 200, response.text
        return dict(response.json())

    async def act(
        self, view: dict[str, Any], action: str, *, as_supervisor: bool = False, **body: Any
    ) -> httpx.Response:
        headers = supervisor(self.body) if as_supervisor else bearer(self.body)
        return await self.client.post(
            f"/v1/assignments/{view['id']}/actions",
            json={"action": action, **body},
            headers=headers | {"If-Match": view["etag"]},
        )

    async def do(
        self, view: dict[str, Any], action: str, *, as_supervisor: bool = False, **body: Any
    ) -> dict[str, Any]:
        """The action, which must succeed: the new view."""
        response = await self.act(view, action, as_supervisor=as_supervisor, **body)
        assert response.status_code == 200, response.text
        assert response.headers["etag"] == response.json()["etag"]
        return dict(response.json())
