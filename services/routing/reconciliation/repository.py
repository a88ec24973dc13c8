"""Every query of reconciliation: runs, their discrepancies, open transfers, counts per class."""

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any
from uuid import UUID

from sqlalchemy import Row, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from services.routing.orm import (
    bodies,
    clues,
    reconciliation_discrepancies,
    reconciliation_runs,
    transfers,
)
from services.routing.reconciliation.handoffs import OpenTransfer
from services.routing.reconciliation.model import RepairStatus
from shared.ledger.window import Window, receipt_in

runs = reconciliation_runs.c
found = reconciliation_discrepancies.c
REQUESTED, RUNNING, COMPLETED, FAILED = "requested", "running", "completed", "failed"


class ReconciliationRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add_run(self, values: dict[str, Any]) -> None:
        await self._session.execute(insert(reconciliation_runs).values(**values))

    async def update_run(self, run_id: UUID, values: dict[str, Any]) -> None:
        await self._session.execute(
            update(reconciliation_runs).where(runs.id == run_id).values(**values)
        )

    async def run(self, run_id: UUID) -> Row[Any] | None:
        query = select(reconciliation_runs).where(runs.id == run_id)
        return (await self._session.execute(query)).first()

    async def runs(self, *, before: datetime | None, limit: int) -> list[Row[Any]]:
        query = select(reconciliation_runs).order_by(runs.requested_at.desc(), runs.id.desc())
        if before is not None:
            query = query.where(runs.requested_at < before)
        return list((await self._session.execute(query.limit(limit + 1))).all())

    async def next_requested(self) -> Row[Any] | None:
        query = (
            select(reconciliation_runs)
            .where(runs.status == REQUESTED)
            .order_by(runs.requested_at)
            .limit(1)
        )
        return (await self._session.execute(query)).first()

    async def last_started(self) -> datetime | None:
        found_at: datetime | None = await self._session.scalar(select(func.max(runs.started_at)))
        return found_at

    async def previous_completed(self, *, besides: UUID) -> Row[Any] | None:
        query = (
            select(reconciliation_runs)
            .where(runs.status == COMPLETED, runs.id != besides)
            .order_by(runs.finished_at.desc())
            .limit(1)
        )
        return (await self._session.execute(query)).first()

    async def history(self, *, until: datetime, limit: int) -> list[Row[Any]]:
        """Completed runs up to `until`, oldest first: the charts' time axis."""
        query = (
            select(runs.id, runs.started_at, runs.counts, runs.in_flight)
            .where(runs.status == COMPLETED, runs.started_at <= until)
            .order_by(runs.started_at.desc())
            .limit(limit)
        )
        return list(reversed((await self._session.execute(query)).all()))

    async def counts(self, run_id: UUID) -> dict[str, dict[str, int]]:
        """Per class: found, repair_requested, repair_failed (what /metrics may read)."""
        stored = await self._session.scalar(select(runs.counts).where(runs.id == run_id))
        return dict(stored or {})

    async def latest_found(self) -> dict[str, int]:
        """Per class, what the latest completed run found (what /metrics shows)."""
        query = (
            select(runs.counts)
            .where(runs.status == COMPLETED)
            .order_by(runs.finished_at.desc())
            .limit(1)
        )
        stored: dict[str, dict[str, int]] = await self._session.scalar(query) or {}
        return {name: int(c.get("found", 0)) for name, c in stored.items()}

    async def add_discrepancies(self, rows: Sequence[dict[str, Any]]) -> None:
        if rows:
            await self._session.execute(insert(reconciliation_discrepancies), list(rows))

    async def discrepancies(
        self, run_id: UUID, *, after: int | None = None, limit: int | None = None
    ) -> list[Row[Any]]:
        query = select(reconciliation_discrepancies).where(found.run_id == run_id)
        if after is not None:
            query = query.where(found.id > after)
        query = query.order_by(found.id)
        if limit is not None:
            query = query.limit(limit)
        return list((await self._session.execute(query)).all())

    async def pending_repairs(self, run_id: UUID) -> list[Row[Any]]:
        query = select(reconciliation_discrepancies).where(
            found.run_id == run_id, found.repair_status == RepairStatus.REQUESTED.value
        )
        return list((await self._session.execute(query)).all())

    async def mark_verified(
        self, ids: Sequence[int], *, status: RepairStatus, by: UUID, at: datetime
    ) -> None:
        if ids:
            await self._session.execute(
                update(reconciliation_discrepancies)
                .where(found.id.in_(list(ids)))
                .values(repair_status=status.value, verified_by=by, verified_at=at)
            )

    async def open_transfers(self, window: Window) -> list[OpenTransfer]:
        t, c = transfers.c, clues.c
        dialect = self._session.get_bind().dialect.name
        query = (
            select(
                t.handoff_id,
                t.clue_id,
                c.receipt_number,
                c.region,
                t.decision_id,
                t.from_body_id,
                t.to_body_id,
                t.due_at,
            )
            .join(clues, c.clue_id == t.clue_id)
            .where(t.status == "forwarded", t.acknowledged_at.is_(None))
            .where(t.decision_id.is_not(None), t.to_body_id.is_not(None))
            .where(receipt_in(c.receipt_number, window.bounds(), dialect))
        )
        return [OpenTransfer(*row) for row in (await self._session.execute(query)).all()]

    async def clue_count(self, window: Window) -> int:
        dialect = self._session.get_bind().dialect.name
        query = select(func.count()).select_from(clues)
        query = query.where(receipt_in(clues.c.receipt_number, window.bounds(), dialect))
        return int((await self._session.execute(query)).scalar_one())

    async def body_names(self) -> dict[str, str]:
        rows = (await self._session.execute(select(bodies.c.id, bodies.c.name))).all()
        return {str(r.id): r.name for r in rows}


def window_of(row: Row[Any]) -> Window:
    first: date | None = row.window_first
    last: date | None = row.window_last
    return Window(first=first, last=last)
