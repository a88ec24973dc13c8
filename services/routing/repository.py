"""Every query routing makes; rows in, domain objects out."""

from collections.abc import Iterable, Sequence
from dataclasses import asdict
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import Row, and_, false, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from services.routing.domain import Body, RoutingDecision, RoutingStatus, Seat
from services.routing.orm import bodies, routing_decisions
from shared.codes import BodyKind, Level
from shared.db import insert_ignoring_duplicates

QueuePosition = tuple[datetime, UUID]


class Repository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def commissions_at(self, seats: Sequence[Seat]) -> list[Body]:
        if not seats:
            return []
        at_any_seat = or_(
            *(and_(bodies.c.level == s.level, bodies.c.region == s.region) for s in seats)
        )
        query = select(bodies).where(
            bodies.c.kind == BodyKind.DISCIPLINE_COMMISSION, bodies.c.active, at_any_seat
        )
        return [_body(r) for r in (await self._session.execute(query)).all()]

    async def list_bodies(
        self,
        *,
        kind: BodyKind | None = None,
        level: Level | None = None,
        region: str | None = None,
        include_inactive: bool = False,
    ) -> list[Body]:
        query = select(bodies).order_by(bodies.c.region, bodies.c.code)
        if kind is not None:
            query = query.where(bodies.c.kind == kind)
        if level is not None:
            query = query.where(bodies.c.level == level)
        if region is not None:
            query = query.where(bodies.c.region == region)
        if not include_inactive:
            query = query.where(bodies.c.active)
        return [_body(r) for r in (await self._session.execute(query)).all()]

    async def get_body(self, body_id: UUID) -> Body | None:
        row = (await self._session.execute(select(bodies).where(bodies.c.id == body_id))).first()
        return _body(row) if row else None

    async def upsert_bodies(self, items: Sequence[Body]) -> None:
        """Insert or overwrite by id; parents must come before their children."""
        if not items:
            return
        dialect = self._session.get_bind().dialect.name
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        statement = insert(bodies).values([_body_values(b) for b in items])
        updated = ("code", "name", "kind", "level", "region", "parent_id", "active")
        statement = statement.on_conflict_do_update(
            index_elements=[bodies.c.id], set_={c: statement.excluded[c] for c in updated}
        )
        await self._session.execute(statement)

    async def add_decision(self, decision: RoutingDecision) -> bool:
        """False when the clue already has a decision: one routing record per clue, always."""
        return await insert_ignoring_duplicates(
            self._session, routing_decisions, _decision_values(decision)
        )

    async def decision_for(self, clue_id: UUID) -> RoutingDecision | None:
        query = select(routing_decisions).where(routing_decisions.c.clue_id == clue_id)
        row = (await self._session.execute(query)).first()
        return _decision(row) if row else None

    async def pending_review(
        self, *, region_prefixes: Iterable[str], after: QueuePosition | None, limit: int
    ) -> list[RoutingDecision]:
        """Oldest first, clues of regions with one of these prefixes only; keyset paging so
        new arrivals never shift a reader's pages."""
        d = routing_decisions.c
        query = (
            select(routing_decisions)
            .where(
                d.status == RoutingStatus.PENDING_REVIEW,
                or_(false(), *(d.region.startswith(p, autoescape=True) for p in region_prefixes)),
            )
            .order_by(d.decided_at, d.id)
            .limit(limit)
        )
        if after is not None:
            at, last_id = after
            query = query.where(or_(d.decided_at > at, and_(d.decided_at == at, d.id > last_id)))
        return [_decision(r) for r in (await self._session.execute(query)).all()]


def _body(row: Row[Any]) -> Body:
    return Body(
        id=row.id,
        code=row.code,
        name=row.name,
        kind=BodyKind(row.kind),
        level=Level(row.level),
        region=row.region,
        parent_id=row.parent_id,
        active=row.active,
    )


def _body_values(body: Body) -> dict[str, Any]:
    return {
        "id": body.id,
        "code": body.code,
        "name": body.name,
        "kind": str(body.kind),
        "level": str(body.level),
        "region": body.region,
        "parent_id": body.parent_id,
        "active": body.active,
    }


def _decision(row: Row[Any]) -> RoutingDecision:
    values = dict(row._mapping)
    values["status"] = RoutingStatus(values["status"])
    values["co_body_ids"] = tuple(UUID(str(i)) for i in values["co_body_ids"])
    values["subjects"] = tuple(values["subjects"])
    return RoutingDecision(**values)


def _decision_values(decision: RoutingDecision) -> dict[str, Any]:
    values = asdict(decision)
    values["status"] = str(decision.status)
    values["co_body_ids"] = [str(i) for i in decision.co_body_ids]
    values["subjects"] = list(decision.subjects)
    return values
