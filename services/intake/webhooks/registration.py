"""Use cases of the webhook API: register, list, delete, rotate the secret, read the log."""

import base64
import secrets
from dataclasses import dataclass
from typing import Any
from uuid import UUID, uuid4

from sqlalchemy import Row
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.intake.sealing import Sealer
from services.intake.unit_of_work import IntakeUnitOfWork
from services.intake.webhooks.events import PENDING
from services.intake.webhooks.repository import WebhookRepository
from services.intake.webhooks.schemas import DeliveryOut, DeliveryPage, WebhookOut
from services.intake.webhooks.urls import check_callback_url
from shared.clock import utcnow
from shared.pagination import decode_cursor, encode_cursor


class TooManyWebhooks(Exception):
    pass


@dataclass(frozen=True)
class Registered:
    webhook: WebhookOut
    secret: str


def new_secret() -> str:
    # Standard Webhooks: `whsec_` and the base64 of the key's bytes (24 to 64 of them).
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


def seal_secret(sealer: Sealer, webhook_id: UUID, secret: str) -> tuple[str, bytes]:
    # Bound to the webhook id, so a sealed secret copied onto another row does not open.
    return sealer.seal({"secret": secret}, associated=webhook_id.bytes)


def open_secret(sealer: Sealer, webhook_id: UUID, key_id: str, sealed: bytes) -> str:
    return str(sealer.unseal(key_id, sealed, associated=webhook_id.bytes)["secret"])


def webhook_view(row: Row[Any]) -> WebhookOut:
    return WebhookOut(
        id=row.id,
        url=row.url,
        description=row.description,
        created_at=row.created_at,
        secret_rotated_at=row.secret_rotated_at,
    )


async def register(
    uow: IntakeUnitOfWork,
    agency_id: UUID,
    *,
    url: str,
    description: str | None,
    sealer: Sealer,
    allow_private: bool,
    max_per_agency: int,
) -> Registered:
    url = await check_callback_url(url, allow_private=allow_private)
    webhook_id, secret, now = uuid4(), new_secret(), utcnow()
    key_id, sealed = seal_secret(sealer, webhook_id, secret)
    async with uow:
        repo = WebhookRepository(uow.session)
        if await repo.count_active(agency_id) >= max_per_agency:
            raise TooManyWebhooks(f"an agency may register at most {max_per_agency} webhooks")
        await repo.add(
            {
                "id": webhook_id,
                "agency_id": agency_id,
                "url": url,
                "description": description,
                "secret_key_id": key_id,
                "secret_sealed": sealed,
                "active": True,
                "created_at": now,
            }
        )
        row = await repo.one(agency_id, webhook_id)
        assert row is not None
        await uow.commit()
    return Registered(webhook_view(row), secret)


async def list_webhooks(
    sessions: async_sessionmaker[AsyncSession], agency_id: UUID
) -> list[WebhookOut]:
    async with sessions() as session:
        return [webhook_view(r) for r in await WebhookRepository(session).active(agency_id)]


async def delete(uow: IntakeUnitOfWork, agency_id: UUID, webhook_id: UUID) -> bool:
    async with uow:
        deleted = await WebhookRepository(uow.session).deactivate(agency_id, webhook_id, utcnow())
        await uow.commit()
    return deleted


async def rotate_secret(
    uow: IntakeUnitOfWork, agency_id: UUID, webhook_id: UUID, *, sealer: Sealer
) -> Registered | None:
    """The old secret stops signing at once; deliveries already pending go out with the new one."""
    secret = new_secret()
    sealed = seal_secret(sealer, webhook_id, secret)
    async with uow:
        repo = WebhookRepository(uow.session)
        if not await repo.set_secret(agency_id, webhook_id, sealed, utcnow()):
            return None
        row = await repo.one(agency_id, webhook_id)
        assert row is not None
        await uow.commit()
    return Registered(webhook_view(row), secret)


async def delivery_log(
    sessions: async_sessionmaker[AsyncSession],
    agency_id: UUID,
    webhook_id: UUID,
    *,
    limit: int,
    cursor: str | None,
) -> DeliveryPage | None:
    """None for another agency's webhook; InvalidCursor for a cursor this API did not issue."""
    before = decode_cursor(cursor) if cursor else None
    async with sessions() as session:
        repo = WebhookRepository(session)
        if await repo.one(agency_id, webhook_id) is None:
            return None
        rows = await repo.deliveries(webhook_id, limit=limit + 1, before=before)
    page, more = rows[:limit], len(rows) > limit
    return DeliveryPage(
        items=[_delivery_view(r) for r in page],
        next_cursor=encode_cursor(page[-1].created_at, page[-1].id) if more else None,
    )


def _delivery_view(row: Row[Any]) -> DeliveryOut:
    return DeliveryOut(
        id=row.id,
        referral_id=row.referral_id,
        status=row.status,
        attempts=row.attempts,
        last_status_code=row.last_status_code,
        last_error=row.last_error,
        created_at=row.created_at,
        next_attempt_at=row.next_attempt_at if row.status == PENDING else None,
        delivered_at=row.delivered_at,
        event=row.payload,
    )
