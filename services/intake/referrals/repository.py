"""Every query of the referrals capability: the referral rows, their timeline, their keys."""

import hashlib
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import ColumnElement, Row, and_, func, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from services.intake import orm
from services.intake.referrals.commands import ListReferrals
from services.intake.referrals.domain import Referral
from services.intake.referrals.idempotency import KeyClaim, PriorUse
from services.intake.referrals.status import ReferralState, ReferralStatus, StatusReport
from shared.codes import ClueStatus, Outcome

_r = orm.referrals
SUMMARY_COLUMNS: tuple[ColumnElement[Any], ...] = (
    _r.c.id,
    _r.c.receipt_number,
    _r.c.status,
    _r.c.status_at,
    _r.c.received_at,
    _r.c.body_id,
    _r.c.body_name,
    _r.c.category,
    _r.c.channel,
    _r.c.summary,
    _r.c.outcome,
    _r.c.outcome_summary,
)


def idempotency_lock_id(agency_id: UUID, key: str) -> int:
    """64 bits of the (agency, key) pair; a collision only makes a retry wait, never merges keys."""
    digest = hashlib.sha256(b"intake-idempotency:" + agency_id.bytes + key.encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


class ReferralRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def claim_key(self, *, agency_id: UUID, key: str) -> KeyClaim:
        """Holds the key for this transaction and finds its prior use; not held while another
        transaction holds it, i.e. while its first request is in flight."""
        if self.session.get_bind().dialect.name == "postgresql":
            lock = func.pg_try_advisory_xact_lock(idempotency_lock_id(agency_id, key))
            if not await self.session.scalar(select(lock)):
                return KeyClaim(held=False)
        # SQLite: BEGIN IMMEDIATE made this transaction the only writer, so none is in flight.
        return KeyClaim(held=True, prior=await self.prior_use(agency_id=agency_id, key=key))

    async def prior_use(self, *, agency_id: UUID, key: str) -> PriorUse | None:
        query = select(_r).where(_r.c.agency_id == agency_id, _r.c.idempotency_key == key)
        row = (await self.session.execute(query)).first()
        if row is None:
            return None
        return PriorUse(row.id, row.request_hash, row.received_at, dict(row._mapping))

    async def add(self, referral: Referral, *, releasing: UUID | None = None) -> None:
        """The referral and its first timeline entry; `releasing` is a referral whose key's
        window is over, so the key can name this one."""
        if releasing is not None:
            await self.session.execute(
                update(_r).where(_r.c.id == releasing).values(idempotency_key=None)
            )
        await self.session.execute(insert(_r).values(**referral.stored_form()))
        received = StatusReport(ClueStatus.RECEIVED, referral.received_at)
        await self._add_timeline(referral.id, received)

    async def release_expired_keys(self, cutoff: datetime, *, batch: int = 1000) -> int:
        """One bounded batch, so pruning never holds many row locks against live requests."""
        expired = (
            select(_r.c.id)
            .where(_r.c.idempotency_key.is_not(None), _r.c.received_at < cutoff)
            .limit(batch)
            .scalar_subquery()
        )
        result = await self.session.execute(
            update(_r).where(_r.c.id.in_(expired)).values(idempotency_key=None)
        )
        return int(getattr(result, "rowcount", 0) or 0)

    async def page(self, query: ListReferrals) -> list[Row[Any]]:
        stmt = select(*SUMMARY_COLUMNS).where(_r.c.agency_id == query.agency_id)
        if query.statuses:
            stmt = stmt.where(_r.c.status.in_([str(s) for s in query.statuses]))
        if query.received_after is not None:
            stmt = stmt.where(_r.c.received_at >= query.received_after)
        if query.received_before is not None:
            stmt = stmt.where(_r.c.received_at < query.received_before)
        if query.after is not None:
            at, last_id = query.after
            older = or_(_r.c.received_at < at, and_(_r.c.received_at == at, _r.c.id < last_id))
            stmt = stmt.where(older)
        stmt = stmt.order_by(_r.c.received_at.desc(), _r.c.id.desc()).limit(query.limit)
        return list((await self.session.execute(stmt)).all())

    async def one(self, *, agency_id: UUID, referral_id: UUID) -> Row[Any] | None:
        query = select(_r).where(_r.c.id == referral_id, _r.c.agency_id == agency_id)
        return (await self.session.execute(query)).first()

    async def timeline(self, referral_id: UUID) -> list[Row[Any]]:
        t = orm.referral_timeline
        query = select(t).where(t.c.referral_id == referral_id).order_by(t.c.occurred_at, t.c.id)
        return list((await self.session.execute(query)).all())

    async def state_for_update(self, referral_id: UUID) -> ReferralState | None:
        query = select(_r).where(_r.c.id == referral_id).with_for_update()
        row = (await self.session.execute(query)).first()
        if row is None:
            return None
        return ReferralState(row.id, row.agency_id, row.receipt_number, _status_of(row))

    async def record_report(self, state: ReferralState, report: StatusReport) -> None:
        """The report in the timeline, and the status as it stands after it."""
        await self._add_timeline(state.id, report)
        s = state.status
        await self.session.execute(
            update(_r)
            .where(_r.c.id == state.id)
            .values(
                status=s.status,
                status_at=s.status_at,
                status_stage=s.stage,
                status_sequence=s.sequence,
                body_id=s.body_id,
                body_name=s.body_name,
                outcome=s.outcome,
                outcome_summary=s.outcome_summary,
            )
        )

    async def _add_timeline(self, referral_id: UUID, report: StatusReport) -> None:
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


def _status_of(row: Row[Any]) -> ReferralStatus:
    return ReferralStatus(
        status=ClueStatus(row.status),
        status_at=row.status_at,
        stage=row.status_stage,
        sequence=row.status_sequence,
        body_id=row.body_id,
        body_name=row.body_name,
        outcome=Outcome(row.outcome) if row.outcome else None,
        outcome_summary=row.outcome_summary,
    )
