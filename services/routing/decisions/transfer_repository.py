"""Every query of transfers (移送): recorded, forwarded, acknowledged, and those still open.

Reconciliation (issue 11) reads `TransferRepository.unacknowledged` to report transfers whose
receiving body has not signed for them within the clock (Reg Arts 169, 171: 5 working days).
"""

from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import Row, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from services.routing.decisions.model import Handoff, HandoffMode, Transfer, TransferStatus
from services.routing.orm import transfers
from shared.db import insert_ignoring_duplicates
from shared.workdays import Deadline

_T = transfers.c


class TransferRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, transfer: Transfer) -> bool:
        """False when this handoff is already recorded (a repeated request changes nothing)."""
        return await insert_ignoring_duplicates(self._session, transfers, _values(transfer))

    async def get(self, handoff_id: UUID) -> Transfer | None:
        row = (
            await self._session.execute(select(transfers).where(_T.handoff_id == handoff_id))
        ).first()
        return _transfer(row) if row else None

    async def of_clue(self, clue_id: UUID) -> list[Transfer]:
        query = select(transfers).where(_T.clue_id == clue_id).order_by(_T.requested_at)
        return [_transfer(r) for r in (await self._session.execute(query)).all()]

    async def forward(self, handoff_id: UUID, *, decision_id: UUID, to_body_id: UUID) -> None:
        """An officer placed a refused handoff: its clock goes on from the request."""
        await self._session.execute(
            update(transfers)
            .where(_T.handoff_id == handoff_id)
            .values(
                status=TransferStatus.FORWARDED.value,
                decision_id=decision_id,
                to_body_id=to_body_id,
            )
        )

    async def acknowledge(
        self, *, decision_id: UUID, body_id: UUID, assignment_id: UUID, at: datetime
    ) -> bool:
        """The receiving body signed for the assignment this transfer created."""
        result = await self._session.execute(
            update(transfers)
            .where(
                _T.decision_id == decision_id,
                _T.to_body_id == body_id,
                _T.acknowledged_at.is_(None),
            )
            .values(acknowledged_at=at, acknowledged_assignment_id=assignment_id)
        )
        return bool(getattr(result, "rowcount", 0))

    async def unacknowledged(self, *, due_before: datetime | None = None) -> list[Transfer]:
        """Forwarded, not signed for yet; with `due_before`, only those whose clock ran out."""
        query = select(transfers).where(
            _T.status == TransferStatus.FORWARDED.value, _T.acknowledged_at.is_(None)
        )
        if due_before is not None:
            query = query.where(_T.due_at <= due_before)
        rows = (await self._session.execute(query.order_by(_T.due_at, _T.handoff_id))).all()
        return [_transfer(r) for r in rows]


def _values(t: Transfer) -> dict[str, Any]:
    h = t.handoff
    return {
        "handoff_id": h.handoff_id,
        "clue_id": t.clue_id,
        "assignment_id": h.assignment_id,
        "from_decision_id": h.decision_id,
        "from_body_id": h.from_body_id,
        "target_body_id": h.target_body_id,
        "target_name": h.target_name,
        "mode": h.mode.value,
        "kept_part": h.kept_part,
        "transferred_part": h.transferred_part,
        "reason": h.reason,
        "requested_at": h.requested_at,
        "recorded_at": t.recorded_at,
        "status": t.status.value,
        "refusal": t.refusal,
        "decision_id": t.decision_id,
        "to_body_id": t.to_body_id,
        "due_on": t.due.due_on,
        "due_at": t.due.due_at,
        "provisional": t.due.provisional,
        "acknowledged_at": t.acknowledged_at,
        "acknowledged_assignment_id": t.acknowledged_assignment_id,
    }


def _transfer(row: Row[Any]) -> Transfer:
    handoff = Handoff(
        handoff_id=row.handoff_id,
        assignment_id=row.assignment_id,
        decision_id=row.from_decision_id,
        from_body_id=row.from_body_id,
        target_body_id=row.target_body_id,
        target_name=row.target_name,
        mode=HandoffMode(row.mode),
        kept_part=row.kept_part,
        transferred_part=row.transferred_part,
        reason=row.reason,
        requested_at=row.requested_at,
    )
    return Transfer(
        handoff=handoff,
        clue_id=row.clue_id,
        status=TransferStatus(row.status),
        due=Deadline(row.due_on, row.due_at, row.provisional, ()),
        recorded_at=row.recorded_at,
        refusal=row.refusal,
        decision_id=row.decision_id,
        to_body_id=row.to_body_id,
        acknowledged_at=row.acknowledged_at,
        acknowledged_assignment_id=row.acknowledged_assignment_id,
    )
