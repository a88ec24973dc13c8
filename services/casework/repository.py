"""Every query of casework."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from sqlalchemy import Row, and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.casework.domain import (
    Assignment,
    AssignmentState,
    Clock,
    ClockKind,
    ClockPolicy,
    ClueFacts,
    Deadline,
    Role,
)
from services.casework.orm import assignments
from shared.db import insert_ignoring_duplicates
from shared.workdays import china_day


@dataclass(frozen=True)
class Page:
    items: list[Assignment]
    next_after: tuple[datetime, UUID] | None  # where the next page starts; None on the last


class AssignmentRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, assignment: Assignment) -> bool:
        """False when this (clue, body) already has an assignment; nothing is written then."""
        return await insert_ignoring_duplicates(self._session, assignments, _to_row(assignment))

    async def get_for_body(self, assignment_id: UUID, *, body_id: UUID) -> Assignment | None:
        query = select(assignments).where(
            assignments.c.id == assignment_id, assignments.c.body_id == body_id
        )
        row = (await self._session.execute(query)).first()
        return _from_row(row) if row else None

    async def list_for_body(
        self,
        body_id: UUID,
        *,
        state: AssignmentState | None,
        after: tuple[datetime, UUID] | None,
        limit: int,
    ) -> Page:
        """Newest first, by keyset (assigned_at, id): stable while rows are being added."""
        t = assignments.c
        query = select(assignments).where(t.body_id == body_id)
        if state is not None:
            query = query.where(t.state == state.value)
        if after is not None:
            at, last_id = after
            query = query.where(or_(t.assigned_at < at, and_(t.assigned_at == at, t.id < last_id)))
        query = query.order_by(t.assigned_at.desc(), t.id.desc()).limit(limit + 1)
        rows = (await self._session.execute(query)).all()
        items = [_from_row(r) for r in rows[:limit]]
        more = len(rows) > limit
        last = items[-1] if items else None
        next_after = (last.assigned_at, last.id) if more and last else None
        return Page(items=items, next_after=next_after)

    async def for_clue(self, clue_id: UUID) -> list[Assignment]:
        query = select(assignments).where(assignments.c.clue_id == clue_id)
        return [_from_row(r) for r in (await self._session.execute(query)).all()]


def _to_row(a: Assignment) -> dict[str, Any]:
    return {
        "id": a.id,
        "clue_id": a.clue_id,
        "body_id": a.body_id,
        "role": a.role.value,
        "state": a.state.value,
        "receipt_number": a.facts.receipt_number,
        "category": a.facts.category,
        "channel": a.facts.channel,
        "summary": a.facts.summary,
        "region": a.facts.region,
        "subjects": a.facts.subjects,
        "decision_id": a.decision_id,
        "assigned_at": a.assigned_at,
        "sign_for_due_at": a.sign_for.due_at,
        "sign_for_due_provisional": a.sign_for.provisional,
    }


def _from_row(row: Row[Any]) -> Assignment:
    m = row._mapping
    facts = ClueFacts(
        receipt_number=m["receipt_number"],
        category=m["category"],
        channel=m["channel"],
        summary=m["summary"],
        region=m["region"],
        subjects=list(m["subjects"]),
    )
    return Assignment(
        id=m["id"],
        clue_id=m["clue_id"],
        body_id=m["body_id"],
        role=Role(m["role"]),
        state=AssignmentState(m["state"]),
        facts=facts,
        decision_id=m["decision_id"],
        assigned_at=m["assigned_at"],
        clocks=[_sign_for(m["assigned_at"], m["sign_for_due_at"], m["sign_for_due_provisional"])],
    )


def _sign_for(started: datetime, due_at: datetime, provisional: bool) -> Clock:
    """Only the sign-for deadline has columns so far; the full clocks persist with the API work."""
    due_on = china_day(due_at - timedelta(microseconds=1))
    years = tuple(range(china_day(started + timedelta(days=1)).year, due_on.year + 1))
    deadline = Deadline(due_on, due_at, provisional, years)
    basis = (ClockPolicy().sign_for.limit,)
    kind = ClockKind.SIGN_FOR
    return Clock(kind.value, kind, started, started, basis, deadline)
