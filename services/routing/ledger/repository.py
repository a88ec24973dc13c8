"""Every query of routing's ledger: the facts of a window (digests), of some ranges (items)."""

from typing import Any
from uuid import UUID

from sqlalchemy import Row, Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.routing.ledger import facts
from services.routing.orm import clues
from shared.ledger.digest import Bucket, Facts, bucket_digests, clue_rows, within
from shared.ledger.schemas import LedgerItem
from shared.ledger.window import Window, receipt_in


class LedgerRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def digests(
        self, window: Window, *, prefix_length: int, under: list[str]
    ) -> list[Bucket]:
        chosen = Facts(
            facts.VIEWS,
            self._restricted(facts.in_sql(), window, under),
            self._restricted(facts.raw(), window, under),
            facts.facts_of,
        )
        return await bucket_digests(self._session, chosen, prefix_length=prefix_length)

    async def items(self, window: Window, prefixes: list[str]) -> list[LedgerItem]:
        query = self._restricted(facts.raw(), window, prefixes)
        return [_item(rows) async for rows in clue_rows(self._session, query)]

    async def current_decision(self, clue_id: UUID) -> UUID | None:
        """Locks the clue's row (PostgreSQL) until commit, so no decision is made meanwhile."""
        query = select(clues.c.current_decision_id).where(clues.c.clue_id == clue_id)
        found: UUID | None = await self._session.scalar(query.with_for_update())
        return found

    async def count(self, window: Window) -> int:
        query = self._restricted(select(func.count()).select_from(clues), window, [])
        return int((await self._session.execute(query)).scalar_one())

    def _restricted(self, query: Select[Any], window: Window, under: list[str]) -> Select[Any]:
        dialect = self._session.get_bind().dialect.name
        query = query.where(receipt_in(clues.c.receipt_number, window.bounds(), dialect))
        return query.where(within(clues.c.clue_id, under)) if under else query


def _item(rows: list[Row[Any]]) -> LedgerItem:
    first = rows[0]
    decisions = [
        {
            "id": str(r.decision_id),
            "stage": r.decision_stage,
            "kind": r.decision_kind,
            "lead_body_id": str(r.decision_lead),
            "co_body_ids": [str(b) for b in r.co_body_ids or ()],
            "decided_at": r.decided_at.isoformat(),
        }
        for r in rows
        if r.decision_id is not None
    ]
    return LedgerItem(
        clue_id=first.clue_id,
        receipt_number=first.receipt_number,
        facts=facts.facts_of(rows),
        changed_at=first.updated_at,
        detail={
            "status": first.status,
            "stage": first.stage,
            "reported_stage": facts.reported_stage(first.stage, first.pending_handoff_id),
            "lead_body_id": str(first.lead_body_id) if first.lead_body_id else None,
            "co_body_ids": [str(b) for b in first.current_co_body_ids or ()],
            "region": first.region,
            "received_at": first.received_at.isoformat(),
            "delivered": decisions,
        },
    )
