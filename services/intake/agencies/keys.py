"""API key use cases: issue, rotate with a grace period, revoke. Keys are shown once.

Like the registry's, every action audits in its own transaction.
"""

from uuid import UUID

from services.intake.agencies.commands import IssueKey, RevokeKey, RotateKey
from services.intake.agencies.domain import (
    IssuedKey,
    KeyInfo,
    RotatedKey,
    audit_target,
    grace_deadline,
    hash_secret,
    new_api_key,
)
from services.intake.errors import AgencyNotFound, KeyAlreadyRevoked, KeyNotFound
from services.intake.unit_of_work import IntakeUnitOfWork
from shared.clock import utcnow


async def issue_key(uow: IntakeUnitOfWork, command: IssueKey) -> IssuedKey:
    async with uow:
        await _known_agency(uow, command.agency_id)
        issued = await add_key(uow, command.agency_id, label=command.label)
        await uow.audit.record(
            actor=command.actor,
            action="agency.key.issue",
            target=audit_target(command.agency_id),
            detail={"key_id": issued.key_id, "label": command.label},
        )
        await uow.commit()
    return issued


async def rotate_key(uow: IntakeUnitOfWork, command: RotateKey) -> RotatedKey:
    """A new key; the old one keeps working for the grace period so callers can switch over."""
    async with uow:
        old = await _usable_key(uow, agency_id=command.agency_id, key_id=command.key_id)
        expires = grace_deadline(utcnow(), command.grace_seconds, revoked_at=old.revoked_at)
        await uow.agencies.set_key_revoked(command.key_id, expires)
        label = old.label if command.label is None else command.label
        issued = await add_key(uow, command.agency_id, label=label)
        detail = {
            "old_key_id": command.key_id,
            "key_id": issued.key_id,
            "grace_seconds": command.grace_seconds,
        }
        await uow.audit.record(
            actor=command.actor,
            action="agency.key.rotate",
            target=audit_target(command.agency_id),
            detail=detail,
        )
        await uow.commit()
    return RotatedKey(issued=issued, old_key_id=command.key_id, old_key_expires_at=expires)


async def revoke_key(uow: IntakeUnitOfWork, command: RevokeKey) -> KeyInfo:
    async with uow:
        await _usable_key(uow, agency_id=command.agency_id, key_id=command.key_id)
        await uow.agencies.set_key_revoked(command.key_id, utcnow())
        await uow.audit.record(
            actor=command.actor,
            action="agency.key.revoke",
            target=audit_target(command.agency_id),
            detail={"key_id": command.key_id},
        )
        key = await _key(uow, agency_id=command.agency_id, key_id=command.key_id)
        await uow.commit()
    return key


async def add_key(uow: IntakeUnitOfWork, agency_id: UUID, *, label: str) -> IssuedKey:
    """A new key of the agency, inside the caller's unit of work."""
    key_id, plaintext = new_api_key()
    await uow.agencies.add_key(
        agency_id=agency_id,
        key_id=key_id,
        key_hash=hash_secret(plaintext),
        label=label,
        now=utcnow(),
    )
    return IssuedKey(agency_id=agency_id, key_id=key_id, api_key=plaintext)


async def _usable_key(uow: IntakeUnitOfWork, *, agency_id: UUID, key_id: str) -> KeyInfo:
    key = await _key(uow, agency_id=agency_id, key_id=key_id)
    if not key.usable(utcnow()):
        assert key.revoked_at is not None
        raise KeyAlreadyRevoked(f"key {key_id} was revoked at {key.revoked_at.isoformat()}")
    return key


async def _key(uow: IntakeUnitOfWork, *, agency_id: UUID, key_id: str) -> KeyInfo:
    await _known_agency(uow, agency_id)
    key = await uow.agencies.key(agency_id=agency_id, key_id=key_id)
    if key is None:
        raise KeyNotFound(f"agency {agency_id} has no key {key_id}")
    return key


async def _known_agency(uow: IntakeUnitOfWork, agency_id: UUID) -> None:
    if await uow.agencies.one(agency_id) is None:
        raise AgencyNotFound(f"no agency {agency_id}")
