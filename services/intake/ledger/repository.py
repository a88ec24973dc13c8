"""Every query of intake's ledger: the facts of a window (for digests) and of some ranges."""

from typing import Any

from sqlalchemy import Select
from sqlalchemy.ext.asyncio import AsyncSession

from services.intake.ledger import facts
from services.intake.orm import referrals
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
        found = []
        async for rows in clue_rows(self._session, self._restricted(facts.raw(), window, prefixes)):
            row = rows[0]
            found.append(
                LedgerItem(
                    clue_id=row.clue_id,
                    receipt_number=row.receipt_number,
                    facts=facts.facts_of(rows),
                    changed_at=max(row.received_at, row.status_at),
                    detail={
                        "status": row.status,
                        "stage": row.status_stage,
                        "outcome": row.outcome,
                        "body_id": str(row.body_id) if row.body_id else None,
                        "received_at": row.received_at.isoformat(),
                    },
                )
            )
        return found

    def _restricted(self, query: Select[Any], window: Window, under: list[str]) -> Select[Any]:
        dialect = self._session.get_bind().dialect.name
        query = query.where(receipt_in(referrals.c.receipt_number, window.bounds(), dialect))
        return query.where(within(referrals.c.id, under)) if under else query
