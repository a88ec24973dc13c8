"""Every query of casework's ledger: facts of a window, items of some ranges, counts per body,
and the assignment a re-published status report was about (for the audit chain)."""

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import Select, exists, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.casework.domain import TERMINAL, AssignmentState
from services.casework.domain import AssignmentState as S
from services.casework.ledger import facts
from services.casework.orm import assignments, audit_log
from shared.ledger.digest import Bucket, Facts, bucket_digests, clue_rows, within
from shared.ledger.schemas import LedgerItem
from shared.ledger.window import Window, receipt_in

a = assignments.c
SIGNED_FOR = "accept"
Times = dict[UUID, tuple[datetime, datetime | None]]


class LedgerRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def digests(
        self, window: Window, *, prefix_length: int, under: list[str]
    ) -> list[Bucket]:
        chosen = Facts(
            facts.VIEWS,
            facts.in_sql(self._restricted(facts.staged(), window, under)),
            self._restricted(facts.raw(), window, under),
            facts.facts_of,
        )
        return await bucket_digests(self._session, chosen, prefix_length=prefix_length)

    async def items(self, window: Window, prefixes: list[str]) -> list[LedgerItem]:
        groups = [
            rows
            async for rows in clue_rows(
                self._session, self._restricted(facts.raw(), window, prefixes)
            )
        ]
        times = await self._times([r.id for rows in groups for r in rows])
        return [self._item(rows, times) for rows in groups]

    def _item(
        self, rows: list[Any], times: dict[UUID, tuple[datetime, datetime | None]]
    ) -> LedgerItem:
        listed = []
        for r in rows:
            changed, accepted = times.get(r.id, (r.assigned_at, None))
            listed.append(
                {
                    "id": str(r.id),
                    "decision_id": str(r.decision_id),
                    "body_id": str(r.body_id),
                    "role": r.role,
                    "state": r.state,
                    "stage": r.stage,
                    "live": AssignmentState(r.state) not in TERMINAL,
                    "assigned_at": r.assigned_at.isoformat(),
                    "accepted_at": accepted.isoformat() if accepted else None,
                    "changed_at": changed.isoformat(),
                }
            )
        changed_at = max(times.get(r.id, (r.assigned_at, None))[0] for r in rows)
        return LedgerItem(
            clue_id=rows[0].clue_id,
            receipt_number=rows[0].receipt_number,
            facts=facts.facts_of(rows),
            changed_at=changed_at,
            detail={"assignments": listed},
        )

    async def _times(self, ids: Sequence[UUID]) -> dict[UUID, tuple[datetime, datetime | None]]:
        """Per assignment: its last change, and when it was signed for."""
        if not ids:
            return {}
        log = audit_log.c
        query = (
            select(
                log.assignment_id,
                func.max(log.at),
                func.min(log.at).filter(log.action == SIGNED_FOR),
            )
            .where(log.assignment_id.in_(list(ids)))
            .group_by(log.assignment_id)
        )
        return {row[0]: (row[1], row[2]) for row in (await self._session.execute(query)).all()}

    async def per_body(self, window: Window, *, now: datetime) -> list[dict[str, Any]]:
        """Assigned, signed for, disposed, concluded and overdue, per body (台账 summary).

        Signed for: past `assigned`; of those that ended by a return or a handoff, only the
        ones whose audit shows the signature (few rows, so the audit is asked only for them)."""
        log = audit_log.c
        unsigned_ends = [S.ASSIGNED.value, S.RETURNED.value, S.HANDED_OFF.value]
        signed_then_left = exists().where(log.assignment_id == a.id, log.action == SIGNED_FOR)
        signed = a.state.not_in(unsigned_ends) | (a.state.in_(unsigned_ends[1:]) & signed_then_left)
        running = a.state.not_in([s.value for s in TERMINAL])
        overdue = running & (a.escalated_at.is_not(None) | (a.next_due_at < now))
        query = select(
            a.body_id,
            func.count(),
            func.count().filter(signed),
            func.count().filter(a.disposition.is_not(None)),
            func.count().filter(a.state.in_([s.value for s in facts.CONCLUDED])),
            func.count().filter(overdue),
        ).group_by(a.body_id)
        rows = (await self._session.execute(self._restricted(query, window, []))).all()
        names = ("assigned", "signed_for", "disposed", "concluded", "overdue")
        return [{"body_id": str(r[0]), **dict(zip(names, r[1:], strict=True))} for r in rows]

    async def lead_at(self, clue_id: UUID, *, stage: int, body_id: UUID) -> Any:
        """The assignment a status report of (clue, stage, body) was about, if any."""
        query = select(a.id, a.body_id, a.state, a.version).where(
            a.clue_id == clue_id, a.stage == stage, a.body_id == body_id
        )
        return (await self._session.execute(query.limit(1))).first()

    async def assignment(self, assignment_id: UUID) -> Any:
        query = select(a.id, a.body_id, a.state, a.version).where(a.id == assignment_id)
        return (await self._session.execute(query)).first()

    def _restricted(self, query: Select[Any], window: Window, under: list[str]) -> Select[Any]:
        dialect = self._session.get_bind().dialect.name
        query = query.where(receipt_in(a.receipt_number, window.bounds(), dialect))
        return query.where(within(a.clue_id, under)) if under else query

    async def payloads(self, outbox_table: Any, event_ids: Sequence[str]) -> list[bytes]:
        query = select(outbox_table.c.payload).where(outbox_table.c.event_id.in_(list(event_ids)))
        return list((await self._session.execute(query)).scalars())
