"""Builders for routing tests: clues and casework's events, deliveries through routing's own
subscription handlers, reads of the ledger. Every clue is new (uuid4)."""

import hashlib
from datetime import UTC, datetime
from typing import Any
from uuid import UUID, uuid4

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from deploy.demo import DemoReferral
from services.routing.consumer import RoutingConsumer
from services.routing.decisions.domain import RoutedClue
from services.routing.decisions.model import Decision
from services.routing.demo import DEMO_BY_CODE
from services.routing.orm import outbox
from services.routing.settings import Settings
from services.routing.unit_of_work import RoutingUnitOfWork
from shared.clock import utcnow
from shared.codes import AgencyKind, Category, Channel, Level, Rank, Topic
from shared.events import Event
from shared.events.contracts import (
    AssignmentAccepted,
    AssignmentReturned,
    ClueReceived,
    HandoffMode,
    HandoffRequested,
    Role,
    SubjectSnapshot,
)
from tests.support import tokens

Sessions = async_sessionmaker[AsyncSession]


def demo_id(code: str) -> UUID:
    return DEMO_BY_CODE[code].id


def a_subject(
    level: Level = Level.COUNTY,
    *,
    leader: bool = False,
    unit: str = "清河县水利局",
    name: str | None = None,
    id_hash: str | None = None,
) -> SubjectSnapshot:
    return SubjectSnapshot(
        name=name or f"李某{uuid4().hex[:6]}",
        id_number_hash=id_hash if id_hash is not None else uuid4().hex * 2,
        unit=unit,
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
    topics: tuple[Topic, ...] = (),
    agency_kind: AgencyKind | None = AgencyKind.PETITION_OFFICE,
    received_at: datetime | None = None,
) -> ClueReceived:
    return ClueReceived(
        clue_id=uuid4(),
        receipt_number=f"GT-TEST-{uuid4().hex[:12]}",
        agency_id=uuid4(),
        agency_name="江州市信访局",
        received_at=received_at or datetime.now(UTC),
        subjects=[a_subject(level, leader=leader)] if subjects is None else subjects,
        category=Category.INTEGRITY,
        topics=list(topics),
        channel=Channel.REPORT,
        summary="水利项目资金疑似被挪用",
        region=region,
        agency_kind=agency_kind,
    )


def clue_of(referral: DemoReferral, *, received_at: datetime) -> ClueReceived:
    """A demo referral as intake publishes it; subjects made unique so no other test links."""
    body = referral.body
    subjects = [
        SubjectSnapshot(
            **{k: v for k, v in s.items() if k != "id_number"},
            id_number_hash=hashlib.sha256(f"{s['id_number']}{uuid4()}".encode()).hexdigest(),
        ).model_copy(update={"name": f"{s['name']}{uuid4().hex[:6]}"})
        for s in body["subjects"]
    ]
    return ClueReceived(
        clue_id=uuid4(),
        receipt_number=f"GT-DEMO-{uuid4().hex[:12]}",
        agency_id=uuid4(),
        agency_name=referral.agency,
        agency_kind=AgencyKind(referral.agency_kind),
        received_at=received_at,
        subjects=subjects,
        category=Category(body["category"]),
        topics=[Topic(t) for t in body.get("topics", [])],
        channel=Channel(body["channel"]),
        summary=body["summary"],
        region=body["region"],
    )


def returned(decision: Decision, *, body: str, lead: bool = True) -> AssignmentReturned:
    return AssignmentReturned(
        clue_id=decision.clue_id,
        assignment_id=uuid4(),
        decision_id=decision.id,
        stage=decision.stage,
        body_id=demo_id(body),
        role=Role.LEAD if lead else Role.CO,
        reason="经核，被反映人不属本机关管辖范围",
        returned_at=utcnow(),
    )


def handoff(
    decision: Decision, *, to: str | None, split: bool = False, **overrides: Any
) -> HandoffRequested:
    assert decision.lead_body_id is not None
    values: dict[str, Any] = {
        "clue_id": decision.clue_id,
        "assignment_id": uuid4(),
        "decision_id": decision.id,
        "stage": decision.stage,
        "body_id": decision.lead_body_id,
        "handoff_id": uuid4(),
        "target_body_id": demo_id(to) if to else None,
        "mode": HandoffMode.SPLIT if split else HandoffMode.WHOLE,
        "kept_part": "违反廉洁纪律部分" if split else None,
        "transferred_part": "涉嫌职务犯罪部分" if split else None,
        "reason": "经初步核实，该问题属其管辖",
        "requested_at": utcnow(),
    }
    return HandoffRequested(**(values | overrides))


def accepted(decision: Decision, *, body: str) -> AssignmentAccepted:
    return AssignmentAccepted(
        clue_id=decision.clue_id,
        assignment_id=uuid4(),
        decision_id=decision.id,
        stage=decision.stage,
        body_id=demo_id(body),
        accepted_at=utcnow(),
    )


class Deliveries:
    """One record at a time as the consumer loop applies it: routing's own subscription handler
    inside a transaction (the loop adds the inbox claim, tested through the broker)."""

    def __init__(self, sessions: Sessions, settings: Settings | None = None) -> None:
        self.sessions = sessions
        self.consumer = RoutingConsumer(settings or Settings())
        self._handlers = {s.topic: s.handler for s in self.consumer.subscriptions()}

    async def deliver(self, event: Event) -> None:
        async with self.sessions() as session, session.begin():
            await self._handlers[event.TOPIC](session, event)

    async def clue(self, clue_id: UUID) -> RoutedClue:
        async with RoutingUnitOfWork(self.sessions) as uow:
            found = await uow.clues.get(clue_id)
        assert found is not None, f"no record of clue {clue_id}"
        return found

    async def history(self, clue_id: UUID) -> list[Decision]:
        async with RoutingUnitOfWork(self.sessions) as uow:
            return await uow.clues.history(clue_id)


async def outbox_events(sessions: Sessions, clue_id: UUID) -> list[tuple[str, bytes]]:
    query = (
        select(outbox.c.event_type, outbox.c.payload)
        .where(outbox.c.message_key == str(clue_id))
        .order_by(outbox.c.id)
    )
    async with sessions() as session:
        return [(t, bytes(p)) for t, p in (await session.execute(query)).all()]


async def outbox_types(sessions: Sessions, clue_id: UUID) -> list[str]:
    return [t for t, _ in await outbox_events(sessions, clue_id)]


def bearer(settings: Settings, *roles: str, body: str = "jz-cdi") -> dict[str, str]:
    return tokens.bearer("routing", settings, body_id=demo_id(body), roles=roles)
