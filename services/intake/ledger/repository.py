"""Every query of intake's ledger: the facts of a window (for digests) and of some ranges."""

from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.intake.ledger import facts
from services.intake.orm import referrals, webhook_deliveries
from services.intake.webhooks.domain import FAILED
from shared.codes import ClueStatus
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

    async def failed_feedback(self, window: Window) -> list[dict[str, Any]]:
        """Referrals whose outcome's webhook delivery failed for good (retries exhausted)."""
        d = webhook_deliveries.c
        query = self._restricted(
            select(
                referrals.c.id,
                referrals.c.receipt_number,
                referrals.c.body_id,
                referrals.c.region,
                d.id.label("delivery_id"),
                d.payload,
                d.last_error,
            )
            .join(webhook_deliveries, d.referral_id == referrals.c.id)
            .where(d.status == FAILED),
            window,
            [],
        )
        rows = (await self._session.execute(query)).all()
        return [
            {
                "clue_id": str(r.id),
                "receipt_number": r.receipt_number,
                "body_id": str(r.body_id) if r.body_id else None,
                "region": r.region,
                "delivery_id": str(r.delivery_id),
                "error": (r.last_error or "")[:200],
            }
            for r in rows
            if (r.payload or {}).get("status") == ClueStatus.CONCLUDED
        ]

    def _restricted(self, query: Select[Any], window: Window, under: list[str]) -> Select[Any]:
        dialect = self._session.get_bind().dialect.name
        query = query.where(receipt_in(referrals.c.receipt_number, window.bounds(), dialect))
        return query.where(within(referrals.c.id, under)) if under else query
