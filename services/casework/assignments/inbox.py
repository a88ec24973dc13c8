"""The inbox queries: filtered, sorted, keyset-paginated pages and counts per state."""

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import ColumnElement, Select, and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.casework.assignments.commands import InboxFilter, ListAssignments, Sort
from services.casework.assignments.records import from_row
from services.casework.domain import Assignment
from services.casework.orm import assignments
from services.casework.scope import Scope

t = assignments.c


@dataclass(frozen=True)
class Page:
    items: list[Assignment]
    next_after: tuple[datetime, UUID] | None  # where the next page starts; None on the last


class InboxQueries:
    def __init__(self, session: AsyncSession, *, scope: Scope) -> None:
        self._session = session
        self._scope = scope

    async def page(self, q: ListAssignments) -> Page:
        """Fetches one more than asked: only a page with a successor has a next cursor."""
        query = self._filtered(select(assignments), q.filter, q.now)
        if q.sort is Sort.DUE:
            key, ordering = t.next_due_at, (t.next_due_at.asc(), t.id.asc())
        else:
            key, ordering = t.assigned_at, (t.assigned_at.desc(), t.id.desc())
        if q.after is not None:
            query = query.where(_after(key, q.after, ascending=q.sort is Sort.DUE))
        rows = (await self._session.execute(query.order_by(*ordering).limit(q.limit + 1))).all()
        items = [from_row(r._mapping) for r in rows[: q.limit]]
        if len(rows) <= q.limit:
            return Page(items, None)
        last = rows[q.limit - 1]._mapping
        return Page(items, (last[key.name], last["id"]))

    async def counts(self, f: InboxFilter, *, now: datetime) -> dict[str, int]:
        """Per state, under every filter but the state itself."""
        everything = replace(f, states=frozenset())
        query = self._filtered(select(t.state, func.count()), everything, now)
        rows = (await self._session.execute(query.group_by(t.state))).all()
        return {str(state): int(n) for state, n in rows}

    def _filtered(self, query: Select[Any], f: InboxFilter, now: datetime) -> Select[Any]:
        query = self._scope.restrict(query, t.body_id)
        conditions: list[ColumnElement[bool]] = []
        if f.states:
            conditions.append(t.state.in_(sorted(s.value for s in f.states)))
        if f.overdue is not None:
            conditions.append(t.next_due_at <= now if f.overdue else t.next_due_at > now)
        if f.escalated is not None:
            conditions.append(
                t.escalated_at.is_not(None) if f.escalated else t.escalated_at.is_(None)
            )
        if f.due_before is not None:
            conditions.append(t.next_due_at < f.due_before)
        for column, value in ((t.category, f.category), (t.channel, f.channel), (t.role, f.role)):
            if value is not None:
                conditions.append(column == value.value)
        return query.where(*conditions) if conditions else query


def _after(key: Any, position: tuple[datetime, UUID], *, ascending: bool) -> Any:
    at, last_id = position
    if ascending:
        return or_(key > at, and_(key == at, t.id > last_id))
    return or_(key < at, and_(key == at, t.id < last_id))
