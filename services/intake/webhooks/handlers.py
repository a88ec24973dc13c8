"""Use cases of the webhook API: register, list, delete, rotate the secret, read the log."""

from dataclasses import dataclass
from typing import Any
from uuid import UUID, uuid4

from sqlalchemy import Row

from services.intake.errors import NotOwned, TooManyWebhooks
from services.intake.reporter.sealing import Sealer
from services.intake.unit_of_work import IntakeUnitOfWork
from services.intake.webhooks.commands import DeliveryLog, OneWebhook, RegisterWebhook
from services.intake.webhooks.domain import PENDING, new_secret, seal_secret
from services.intake.webhooks.schemas import DeliveryOut, DeliveryPage, WebhookOut
from services.intake.webhooks.urls import check_callback_url
from shared.clock import utcnow
from shared.pagination import encode_cursor


@dataclass(frozen=True)
class Registered:
    webhook: WebhookOut
    secret: str


def _absent(*, agency_id: UUID, webhook_id: UUID) -> NotOwned:
    return NotOwned("no such webhook", agency_id=agency_id, target=f"webhook:{webhook_id}")


async def register(
    uow: IntakeUnitOfWork,
    command: RegisterWebhook,
    *,
    sealer: Sealer,
    allow_private: bool,
    max_per_agency: int,
) -> Registered:
    url = await check_callback_url(command.url, allow_private=allow_private)
    webhook_id, secret, now = uuid4(), new_secret(), utcnow()
    key_id, sealed = seal_secret(sealer, webhook_id, secret)
    async with uow:
        if await uow.webhooks.count_active(command.agency_id) >= max_per_agency:
            raise TooManyWebhooks(f"an agency may register at most {max_per_agency} webhooks")
        await uow.webhooks.add(
            {
                "id": webhook_id,
                "agency_id": command.agency_id,
                "url": url,
                "description": command.description,
                "secret_key_id": key_id,
                "secret_sealed": sealed,
                "active": True,
                "created_at": now,
            }
        )
        row = await uow.webhooks.one(agency_id=command.agency_id, webhook_id=webhook_id)
        assert row is not None
        await uow.commit()
    return Registered(webhook_view(row), secret)


async def list_webhooks(uow: IntakeUnitOfWork, agency_id: UUID) -> list[WebhookOut]:
    async with uow:
        return [webhook_view(r) for r in await uow.webhooks.active(agency_id)]


async def delete(uow: IntakeUnitOfWork, command: OneWebhook) -> None:
    async with uow:
        deleted = await uow.webhooks.deactivate(
            agency_id=command.agency_id, webhook_id=command.webhook_id, now=utcnow()
        )
        if not deleted:
            raise _absent(agency_id=command.agency_id, webhook_id=command.webhook_id)
        await uow.commit()


async def rotate_secret(
    uow: IntakeUnitOfWork, command: OneWebhook, *, sealer: Sealer
) -> Registered:
    """The old secret stops signing at once; deliveries already pending go out with the new one."""
    agency_id, webhook_id = command.agency_id, command.webhook_id
    secret = new_secret()
    sealed = seal_secret(sealer, webhook_id, secret)
    async with uow:
        changed = await uow.webhooks.set_secret(
            agency_id=agency_id, webhook_id=webhook_id, sealed=sealed, now=utcnow()
        )
        if not changed:
            raise _absent(agency_id=agency_id, webhook_id=webhook_id)
        row = await uow.webhooks.one(agency_id=agency_id, webhook_id=webhook_id)
        assert row is not None
        await uow.commit()
    return Registered(webhook_view(row), secret)


async def delivery_log(uow: IntakeUnitOfWork, query: DeliveryLog) -> DeliveryPage:
    async with uow:
        if await uow.webhooks.one(agency_id=query.agency_id, webhook_id=query.webhook_id) is None:
            raise _absent(agency_id=query.agency_id, webhook_id=query.webhook_id)
        rows = await uow.webhooks.deliveries(
            query.webhook_id, limit=query.limit + 1, before=query.before
        )
    page, more = rows[: query.limit], len(rows) > query.limit
    return DeliveryPage(
        items=[_delivery_view(r) for r in page],
        next_cursor=encode_cursor(page[-1].created_at, page[-1].id) if more else None,
    )


def webhook_view(row: Row[Any]) -> WebhookOut:
    return WebhookOut(
        id=row.id,
        url=row.url,
        description=row.description,
        created_at=row.created_at,
        secret_rotated_at=row.secret_rotated_at,
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
