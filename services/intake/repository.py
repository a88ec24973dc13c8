"""Every query intake makes."""

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import ColumnElement, Row, and_, func, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from services.intake import orm
from services.intake.domain import ReferralStatus, StatusReport
from shared.codes import ClueStatus, Outcome


@dataclass(frozen=True)
class ReferralFilter:
    statuses: tuple[ClueStatus, ...] = ()
    received_after: datetime | None = None  # inclusive
    received_before: datetime | None = None  # exclusive
    after: tuple[datetime, UUID] | None = None  # keyset position: rows strictly older than it
    limit: int = 20


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


class Repository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def referral_by_idempotency_key(self, agency_id: UUID, key: str) -> Row[Any] | None:
        r = orm.referrals
        query = select(r).where(r.c.agency_id == agency_id, r.c.idempotency_key == key)
        return (await self.session.execute(query)).first()

    async def lock_idempotency_key(self, agency_id: UUID, key: str) -> bool:
        """False while another transaction holds the key, i.e. its first request is in flight."""
        if self.session.get_bind().dialect.name != "postgresql":
            # SQLite: BEGIN IMMEDIATE made this transaction the only writer, so none is in flight.
            return True
        lock = func.pg_try_advisory_xact_lock(idempotency_lock_id(agency_id, key))
        return bool(await self.session.scalar(select(lock)))

    async def release_idempotency_key(self, referral_id: UUID) -> None:
        r = orm.referrals
        await self.session.execute(
            update(r).where(r.c.id == referral_id).values(idempotency_key=None)
        )

    async def release_expired_keys(self, cutoff: datetime, *, batch: int = 1000) -> int:
        """One bounded batch, so pruning never holds many row locks against live requests."""
        r = orm.referrals
        expired = (
            select(r.c.id)
            .where(r.c.idempotency_key.is_not(None), r.c.received_at < cutoff)
            .limit(batch)
            .scalar_subquery()
        )
        result = await self.session.execute(
            update(r).where(r.c.id.in_(expired)).values(idempotency_key=None)
        )
        return int(getattr(result, "rowcount", 0) or 0)

    async def referral_page(self, agency_id: UUID, query: ReferralFilter) -> list[Row[Any]]:
        r = orm.referrals
        stmt = select(*SUMMARY_COLUMNS).where(r.c.agency_id == agency_id)
        if query.statuses:
            stmt = stmt.where(r.c.status.in_([str(s) for s in query.statuses]))
        if query.received_after is not None:
            stmt = stmt.where(r.c.received_at >= query.received_after)
        if query.received_before is not None:
            stmt = stmt.where(r.c.received_at < query.received_before)
        if query.after is not None:
            at, last_id = query.after
            older = or_(r.c.received_at < at, and_(r.c.received_at == at, r.c.id < last_id))
            stmt = stmt.where(older)
        stmt = stmt.order_by(r.c.received_at.desc(), r.c.id.desc()).limit(query.limit)
        return list((await self.session.execute(stmt)).all())

    async def sealed_reporter(self, referral_id: UUID) -> Row[Any] | None:
        """Not scoped to an agency: only the audited unsealing call of staff uses it."""
        r = orm.referrals
        columns: list[ColumnElement[Any]] = [
            r.c.id,
            r.c.receipt_number,
            r.c.reporter_key_id,
            r.c.reporter_sealed,
            r.c.body_id,
        ]
        query = select(*columns)
        return (await self.session.execute(query.where(r.c.id == referral_id))).first()

    async def attachment_content(
        self, agency_id: UUID, referral_id: UUID, index: int
    ) -> Row[Any] | None:
        c, r = orm.attachment_contents, orm.referrals
        query = (
            select(c, *[r.c.attachments])
            .join(r, r.c.id == c.c.referral_id)
            .where(
                c.c.referral_id == referral_id,
                c.c.attachment_index == index,
                r.c.agency_id == agency_id,
            )
        )
        return (await self.session.execute(query)).first()

    async def uploaded_indexes(self, referral_id: UUID) -> set[int]:
        c = orm.attachment_contents
        query = select(c.c.attachment_index).where(c.c.referral_id == referral_id)
        return set((await self.session.execute(query)).scalars())

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
                status_stage=state.stage,
                status_sequence=state.sequence,
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
        stage=row.status_stage,
        sequence=row.status_sequence,
        body_id=row.body_id,
        body_name=row.body_name,
        outcome=Outcome(row.outcome) if row.outcome else None,
        outcome_summary=row.outcome_summary,
    )
