"""Statistics of the assignments in the caller's scope."""

from dataclasses import dataclass
from datetime import datetime

from services.casework.orm import assignments
from services.casework.unit_of_work import CaseworkUnitOfWork

t = assignments.c


@dataclass(frozen=True)
class Stats:
    total: int
    by_state: dict[str, int]
    by_disposition: dict[str, int]
    by_outcome: dict[str, int]
    by_channel: dict[str, int]
    overdue: int
    escalated: int
    received_per_month: dict[str, int]
    concluded_per_month: dict[str, int]


async def stats(uow: CaseworkUnitOfWork, *, now: datetime) -> Stats:
    async with uow:
        q = uow.stats
        return Stats(
            total=await q.total(),
            by_state=await q.counted_by(t.state),
            by_disposition=await q.counted_by(t.disposition),
            by_outcome=await q.counted_by(t.outcome),
            by_channel=await q.counted_by(t.channel),
            overdue=await q.overdue(now),
            escalated=await q.escalated(),
            received_per_month=await q.counted_by(t.received_month),
            concluded_per_month=await q.counted_by(t.concluded_month),
        )
