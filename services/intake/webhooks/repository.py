"""Every query about webhooks: the agency's registrations, its delivery log, the worker's queue."""

from datetime import datetime
from typing import Any
from uuid import UUID, uuid4

from sqlalchemy import Row, and_, func, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from services.intake import orm
from services.intake.webhooks.domain import FAILED, PENDING

W, D = orm.webhooks, orm.webhook_deliveries
# Typed loosely on purpose: the API rows carry no secret column, whatever the caller selects.
_PUBLIC: list[Any] = [W.c.id, W.c.url, W.c.description, W.c.created_at, W.c.secret_rotated_at]
_CLAIM: list[Any] = [
    D.c.id,
    D.c.payload,
    D.c.attempts,
    D.c.webhook_id,
    W.c.url,
    W.c.secret_key_id,
    W.c.secret_sealed,
]


class WebhookRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def count_active(self, agency_id: UUID) -> int:
        query = select(func.count()).where(W.c.agency_id == agency_id, W.c.active.is_(True))
        return int((await self.session.execute(query)).scalar_one())

    async def add(self, values: dict[str, Any]) -> None:
        await self.session.execute(insert(W).values(**values))

    async def active(self, agency_id: UUID) -> list[Row[Any]]:
        query = (
            select(*_PUBLIC)
            .where(W.c.agency_id == agency_id, W.c.active.is_(True))
            .order_by(W.c.created_at, W.c.id)
        )
        return list((await self.session.execute(query)).all())

    async def one(self, *, agency_id: UUID, webhook_id: UUID) -> Row[Any] | None:
        """Another agency's webhook, or a deleted one, reads as absent."""
        query = select(*_PUBLIC).where(
            W.c.id == webhook_id, W.c.agency_id == agency_id, W.c.active.is_(True)
        )
        return (await self.session.execute(query)).first()

    async def deactivate(self, *, agency_id: UUID, webhook_id: UUID, now: datetime) -> bool:
        result = await self.session.execute(
            update(W)
            .where(W.c.id == webhook_id, W.c.agency_id == agency_id, W.c.active.is_(True))
            .values(active=False, deleted_at=now)
        )
        if getattr(result, "rowcount", 0) != 1:
            return False
        # Nothing more goes to a URL the agency has withdrawn.
        await self.session.execute(
            update(D)
            .where(D.c.webhook_id == webhook_id, D.c.status == PENDING)
            .values(status=FAILED, last_error="webhook deleted")
        )
        return True

    async def set_secret(
        self, *, agency_id: UUID, webhook_id: UUID, sealed: tuple[str, bytes], now: datetime
    ) -> bool:
        result = await self.session.execute(
            update(W)
            .where(W.c.id == webhook_id, W.c.agency_id == agency_id, W.c.active.is_(True))
            .values(secret_key_id=sealed[0], secret_sealed=sealed[1], secret_rotated_at=now)
        )
        return bool(getattr(result, "rowcount", 0) == 1)

    async def deliveries(
        self, webhook_id: UUID, *, limit: int, before: tuple[datetime, UUID] | None
    ) -> list[Row[Any]]:
        """Newest first; `before` is the (created_at, id) of the last row of the previous page."""
        query = select(D).where(D.c.webhook_id == webhook_id)
        if before is not None:
            at, last_id = before
            query = query.where(
                or_(D.c.created_at < at, and_(D.c.created_at == at, D.c.id < last_id))
            )
        query = query.order_by(D.c.created_at.desc(), D.c.id.desc()).limit(limit)
        return list((await self.session.execute(query)).all())

    async def enqueue(
        self, *, agency_id: UUID, referral_id: UUID, payload: dict[str, Any], now: datetime
    ) -> int:
        """One pending delivery per active webhook of the agency, in the caller's transaction:
        the status change and its deliveries are committed together or not at all."""
        query = select(W.c.id).where(W.c.agency_id == agency_id, W.c.active.is_(True))
        rows = [
            {
                "id": uuid4(),
                "webhook_id": webhook_id,
                "referral_id": referral_id,
                "payload": payload,
                "status": PENDING,
                "attempts": 0,
                "next_attempt_at": now,
                "created_at": now,
            }
            for webhook_id in (await self.session.execute(query)).scalars()
        ]
        if rows:
            await self.session.execute(insert(D), rows)
        return len(rows)


class DeliveryQueue:
    """The worker's side. A claim is a lease: the row's next_attempt_at moves past the request
    timeout, so no other worker takes it while it is in flight and a crashed worker's claim
    simply expires; the result is written only while that lease is still ours."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def fail_exhausted(self, now: datetime, max_attempts: int) -> None:
        # A worker that stopped during the last allowed attempt leaves the row pending.
        await self.session.execute(
            update(D)
            .where(D.c.status == PENDING, D.c.attempts >= max_attempts, D.c.next_attempt_at <= now)
            .values(status=FAILED, last_error="no result recorded for the last attempt")
        )

    async def claim_due(
        self, now: datetime, *, limit: int, lease_until: datetime
    ) -> list[Row[Any]]:
        rows = (
            await self.session.execute(
                select(*_CLAIM)
                .join(W, W.c.id == D.c.webhook_id)
                .where(D.c.status == PENDING, D.c.next_attempt_at <= now)
                .order_by(D.c.next_attempt_at)
                .limit(limit)
                .with_for_update(skip_locked=True, of=D)
            )
        ).all()
        if rows:
            await self.session.execute(
                update(D)
                .where(D.c.id.in_([r.id for r in rows]))
                .values(attempts=D.c.attempts + 1, next_attempt_at=lease_until)
            )
        return list(rows)

    async def record(self, delivery_id: UUID, lease: datetime, values: dict[str, Any]) -> None:
        await self.session.execute(
            update(D)
            .where(D.c.id == delivery_id, D.c.status == PENDING, D.c.next_attempt_at == lease)
            .values(**values)
        )
