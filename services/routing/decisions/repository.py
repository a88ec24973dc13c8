"""Every query of the ledger: a clue with its current decision, the history, the review queue."""

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import Select, and_, false, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from services.routing.decisions.commands import RecordReturn
from services.routing.decisions.domain import RoutedClue
from services.routing.decisions.model import Decision, RoutingStatus
from services.routing.decisions.queries import QueueSort, ReviewQueue
from services.routing.decisions.rows import (
    DECISION_COLUMNS,
    DECISION_PREFIX,
    clue_from,
    clue_values,
    decision_from,
    decision_values,
    new_clue_values,
)
from services.routing.orm import bodies, clue_returns, clues, routing_decisions, routing_state
from services.routing.rules.in_force import RoutingState
from shared.db import insert_ignoring_duplicates

_C, _D, _S = clues.c, routing_decisions.c, routing_state.c
_STATE_COLUMNS = [_S.active_rule_set_id, _S.registry_generation]


def _state(row: Any) -> RoutingState:
    return RoutingState(row.active_rule_set_id, row.registry_generation)


def _with_current() -> Select[Any]:
    lead_name = bodies.c.name.label(DECISION_PREFIX + "lead_body_name")
    return (
        select(clues, *DECISION_COLUMNS, lead_name)
        .outerjoin(routing_decisions, _D.id == _C.current_decision_id)
        .outerjoin(bodies, bodies.c.id == _D.lead_body_id)
    )


class ClueRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def state_for_new(self, clue_id: UUID) -> tuple[RoutingState, bool]:
        """The routing state and whether the clue is already known, in one round trip."""
        known = select(_C.clue_id).where(_C.clue_id == clue_id).exists()
        row = (
            await self._session.execute(
                select(*_STATE_COLUMNS, known.label("known")).where(_S.id == 1)
            )
        ).one()
        return _state(row), bool(row.known)

    async def for_change(self, clue_id: UUID) -> tuple[RoutedClue, RoutingState] | None:
        """The clue, its current decision and the routing state in one round trip; on
        PostgreSQL the clue's row stays locked until commit, so deciders take turns."""
        query = (
            _with_current()
            .add_columns(*_STATE_COLUMNS)
            .join(routing_state, _S.id == 1)
            .where(_C.clue_id == clue_id)
            .with_for_update(of=clues)
        )
        row = (await self._session.execute(query)).first()
        return None if row is None else (clue_from(row), _state(row))

    async def get(self, clue_id: UUID) -> RoutedClue | None:
        row = (await self._session.execute(_with_current().where(_C.clue_id == clue_id))).first()
        return None if row is None else clue_from(row)

    async def many(self, clue_ids: Sequence[UUID]) -> list[RoutedClue]:
        if not clue_ids:
            return []
        query = _with_current().where(_C.clue_id.in_(list(clue_ids)))
        return [clue_from(r) for r in (await self._session.execute(query)).all()]

    async def add(self, clue: RoutedClue, *, now: datetime) -> bool:
        """False when the clue is already recorded: one record per clue, always."""
        if not await insert_ignoring_duplicates(
            self._session, clues, new_clue_values(clue, now=now)
        ):
            return False
        await self._add_decisions(clue.added)
        return True

    async def save(self, clue: RoutedClue, *, now: datetime) -> None:
        await self._session.execute(
            update(clues).where(_C.clue_id == clue.clue_id).values(clue_values(clue, now=now))
        )
        await self._add_decisions(clue.added)

    async def _add_decisions(self, added: Sequence[Decision]) -> None:
        if added:
            await self._session.execute(
                insert(routing_decisions), [decision_values(d) for d in added]
            )

    async def history(self, clue_id: UUID) -> list[Decision]:
        query = (
            select(routing_decisions, bodies.c.name.label("lead_body_name"))
            .outerjoin(bodies, bodies.c.id == _D.lead_body_id)
            .where(_D.clue_id == clue_id)
            .order_by(_D.stage)
        )
        rows = (await self._session.execute(query)).all()
        return [decision_from(r._mapping, lead_body_name=r.lead_body_name) for r in rows]

    async def review_queue(self, query: ReviewQueue) -> list[RoutedClue]:
        """Keyset paging on (sort time, clue id), so arrivals never shift a reader's pages."""
        at = _C.queued_at if query.sort is QueueSort.QUEUED else _C.received_at
        statement = _with_current().where(
            _C.status == RoutingStatus.PENDING_REVIEW.value,
            or_(
                false(), *(_C.region.startswith(p, autoescape=True) for p in query.region_prefixes)
            ),
        )
        statement = _filtered(statement, query)
        if query.after is not None:
            when, last = query.after
            later = at < when if query.descending else at > when
            beyond = _C.clue_id < last if query.descending else _C.clue_id > last
            statement = statement.where(or_(later, and_(at == when, beyond)))
        order = (at.desc(), _C.clue_id.desc()) if query.descending else (at, _C.clue_id)
        rows = (
            await self._session.execute(statement.order_by(*order).limit(query.limit + 1))
        ).all()
        return [clue_from(r) for r in rows]

    async def recent(
        self, *, last: int, since: datetime | None, until: datetime | None
    ) -> list[RoutedClue]:
        """The newest `last` clues received in the window, oldest first (for a dry run)."""
        statement = _with_current()
        if since is not None:
            statement = statement.where(_C.received_at >= since)
        if until is not None:
            statement = statement.where(_C.received_at < until)
        statement = statement.order_by(_C.received_at.desc(), _C.clue_id.desc()).limit(last)
        rows = (await self._session.execute(statement)).all()
        return [clue_from(r) for r in reversed(rows)]

    async def add_return(self, command: RecordReturn, *, now: datetime) -> bool:
        """False when this assignment's return is already recorded."""
        values = {
            "assignment_id": command.assignment_id,
            "clue_id": command.clue_id,
            "decision_id": command.decision_id,
            "body_id": command.body_id,
            "role": "lead" if command.lead else "co",
            "reason": command.reason,
            "returned_at": command.returned_at,
            "recorded_at": now,
            "rerouted_as": None,
        }
        return await insert_ignoring_duplicates(self._session, clue_returns, values)

    async def mark_rerouted(self, assignment_id: UUID, *, decision_id: UUID) -> None:
        await self._session.execute(
            update(clue_returns)
            .where(clue_returns.c.assignment_id == assignment_id)
            .values(rerouted_as=decision_id)
        )

    async def conclude(self, clue_id: UUID, *, at: datetime) -> None:
        await self._session.execute(
            update(clues)
            .where(_C.clue_id == clue_id, _C.concluded_at.is_(None))
            .values(concluded_at=at)
        )


def _filtered(statement: Select[Any], query: ReviewQueue) -> Select[Any]:
    if query.category is not None:
        statement = statement.where(_C.category == query.category.value)
    if query.channel is not None:
        statement = statement.where(_C.channel == query.channel.value)
    if query.region is not None:
        statement = statement.where(_C.region.startswith(query.region, autoescape=True))
    if query.kind is not None:
        statement = statement.where(_D.kind == query.kind.value)
    return statement
