"""Counts over the assignments in scope, each one GROUP BY in the database."""

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.casework.orm import assignments
from services.casework.scope import Scope

t = assignments.c


class StatsQueries:
    def __init__(self, session: AsyncSession, *, scope: Scope) -> None:
        self._session = session
        self._scope = scope

    async def counted_by(self, column: ColumnElement[Any]) -> dict[str, int]:
        query = self._scope.restrict(select(column, func.count()), t.body_id)
        query = query.where(column.is_not(None)).group_by(column)
        return {str(key): int(n) for key, n in (await self._session.execute(query)).all()}

    async def total(self) -> int:
        return await self._count()

    async def overdue(self, now: datetime) -> int:
        return await self._count(t.next_due_at <= now)

    async def escalated(self) -> int:
        return await self._count(t.escalated_at.is_not(None))

    async def _count(self, *conditions: ColumnElement[bool]) -> int:
        query = self._scope.restrict(select(func.count()).select_from(assignments), t.body_id)
        return int((await self._session.execute(query.where(*conditions))).scalar_one())


class Workload:
    """Open assignments per body and those with a deadline passed, for /metrics."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def per_body(
        self, now: datetime, *, open_states: list[str]
    ) -> list[tuple[str, int, int]]:
        overdue = func.sum(case((t.next_due_at <= now, 1), else_=0))
        query = (
            select(t.body_id, func.count(), overdue)
            .where(t.state.in_(open_states))
            .group_by(t.body_id)
        )
        rows = (await self._session.execute(query)).all()
        return [(str(body), int(count), int(late or 0)) for body, count, late in rows]
