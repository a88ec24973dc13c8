"""Every query intake makes."""

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from sqlalchemy import Row, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from services.intake import orm
from services.intake.domain import ReferralStatus, StatusReport
from shared.codes import ClueStatus, Outcome


@dataclass(frozen=True)
class AgencyKey:
    agency_id: UUID
    agency_name: str
    key_hash: str


class Repository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def active_key(self, key_id: str) -> AgencyKey | None:
        a, k = orm.agencies, orm.api_keys
        row = (
            await self.session.execute(
                select(k.c.agency_id, a.c.name, k.c.key_hash)
                .join(a, a.c.id == k.c.agency_id)
                .where(k.c.key_id == key_id, k.c.revoked_at.is_(None), a.c.active.is_(True))
            )
        ).first()
        return AgencyKey(row.agency_id, row.name, row.key_hash) if row else None

    async def referral_by_idempotency_key(self, agency_id: UUID, key: str) -> Row[Any] | None:
        r = orm.referrals
        query = select(r).where(r.c.agency_id == agency_id, r.c.idempotency_key == key)
        return (await self.session.execute(query)).first()

    async def referral(self, agency_id: UUID, referral_id: UUID) -> Row[Any] | None:
        r = orm.referrals
        query = select(r).where(r.c.id == referral_id, r.c.agency_id == agency_id)
        return (await self.session.execute(query)).first()

    async def referral_for_update(self, referral_id: UUID) -> Row[Any] | None:
        r = orm.referrals
        query = select(r).where(r.c.id == referral_id).with_for_update()
        return (await self.session.execute(query)).first()

    async def timeline(self, referral_id: UUID) -> list[Row[Any]]:
        t = orm.referral_timeline
        query = select(t).where(t.c.referral_id == referral_id).order_by(t.c.occurred_at, t.c.id)
        return list((await self.session.execute(query)).all())

    async def add_referral(self, values: dict[str, Any]) -> None:
        await self.session.execute(insert(orm.referrals).values(**values))

    async def add_timeline(self, referral_id: UUID, report: StatusReport) -> None:
        await self.session.execute(
            insert(orm.referral_timeline).values(
                referral_id=referral_id,
                status=report.status,
                occurred_at=report.occurred_at,
                body_id=report.body_id,
                body_name=report.body_name,
                note=report.note,
            )
        )

    async def save_status(self, referral_id: UUID, state: ReferralStatus) -> None:
        await self.session.execute(
            update(orm.referrals)
            .where(orm.referrals.c.id == referral_id)
            .values(
                status=state.status,
                status_at=state.status_at,
                body_id=state.body_id,
                body_name=state.body_name,
                outcome=state.outcome,
                outcome_summary=state.outcome_summary,
            )
        )


def status_of(row: Row[Any]) -> ReferralStatus:
    return ReferralStatus(
        status=ClueStatus(row.status),
        status_at=row.status_at,
        body_id=row.body_id,
        body_name=row.body_name,
        outcome=Outcome(row.outcome) if row.outcome else None,
        outcome_summary=row.outcome_summary,
    )
