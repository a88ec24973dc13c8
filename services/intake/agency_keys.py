"""API key use cases: issue, rotate with a grace period, revoke. Keys are shown once.

Like services.intake.agencies, every function runs in the caller's transaction and audits there.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from services.intake import audit, orm
from services.intake.agencies import IssuedKey, KeyInfo, get_agency, issue_key, key_info, target
from shared.clock import utcnow
from shared.problems import Conflict, NotFound

MAX_GRACE_SECONDS = 7 * 24 * 3600


class KeyNotFound(NotFound):
    slug, title = "api-key-not-found", "No such API key"


class KeyAlreadyRevoked(Conflict):
    slug, title = "api-key-revoked", "The API key is revoked"


@dataclass(frozen=True)
class RotatedKey:
    issued: IssuedKey
    old_key_id: str
    old_key_expires_at: datetime


async def issue_agency_key(
    session: AsyncSession, *, actor: str, agency_id: UUID, label: str = ""
) -> IssuedKey:
    await get_agency(session, agency_id)
    issued = await issue_key(session, agency_id, label=label)
    detail = {"key_id": issued.key_id, "label": label}
    await audit.record(
        session, actor=actor, action="agency.key.issue", target=target(agency_id), detail=detail
    )
    return issued


async def rotate_key(
    session: AsyncSession,
    *,
    actor: str,
    agency_id: UUID,
    key_id: str,
    grace_seconds: int = 0,
    label: str | None = None,
) -> RotatedKey:
    """A new key; the old one keeps working for the grace period so callers can switch over."""
    old = await _usable_key(session, agency_id, key_id)
    now = utcnow()
    expires = now + timedelta(seconds=max(0, min(grace_seconds, MAX_GRACE_SECONDS)))
    if old.revoked_at is not None:
        expires = min(expires, old.revoked_at)  # a second rotation never extends a grace period
    k = orm.api_keys
    await session.execute(update(k).where(k.c.key_id == key_id).values(revoked_at=expires))
    issued = await issue_key(session, agency_id, label=old.label if label is None else label)
    detail = {"old_key_id": key_id, "key_id": issued.key_id, "grace_seconds": grace_seconds}
    await audit.record(
        session, actor=actor, action="agency.key.rotate", target=target(agency_id), detail=detail
    )
    return RotatedKey(issued=issued, old_key_id=key_id, old_key_expires_at=expires)


async def revoke_key(session: AsyncSession, *, actor: str, agency_id: UUID, key_id: str) -> KeyInfo:
    await _usable_key(session, agency_id, key_id)
    k = orm.api_keys
    await session.execute(update(k).where(k.c.key_id == key_id).values(revoked_at=utcnow()))
    await audit.record(
        session,
        actor=actor,
        action="agency.key.revoke",
        target=target(agency_id),
        detail={"key_id": key_id},
    )
    return await _key(session, agency_id, key_id)


async def _usable_key(session: AsyncSession, agency_id: UUID, key_id: str) -> KeyInfo:
    key = await _key(session, agency_id, key_id)
    if key.revoked_at is not None and key.revoked_at <= utcnow():
        raise KeyAlreadyRevoked(f"key {key_id} was revoked at {key.revoked_at.isoformat()}")
    return key


async def _key(session: AsyncSession, agency_id: UUID, key_id: str) -> KeyInfo:
    await get_agency(session, agency_id)
    k = orm.api_keys
    row = (
        await session.execute(select(k).where(k.c.key_id == key_id, k.c.agency_id == agency_id))
    ).first()
    if row is None:
        raise KeyNotFound(f"agency {agency_id} has no key {key_id}")
    return key_info(row)
