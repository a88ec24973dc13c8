"""Registry use cases of the admin API, the CLI and the demo seed: agencies and signing.

Each action writes its audit record in its own transaction, so an action and its record
stand or fall together. API keys: keys.py.
"""

from dataclasses import dataclass
from uuid import UUID, uuid4

from services.intake.agencies.commands import (
    CreateAgency,
    RotateSigningSecret,
    SeedAgency,
    SetActive,
    SetSigning,
)
from services.intake.agencies.domain import AgencyInfo, IssuedKey, audit_target, checked_entry
from services.intake.agencies.keys import add_key
from services.intake.agencies.signing import new_signing_secret, seal_secret
from services.intake.errors import AgencyNotFound, DuplicateAgency
from services.intake.reporter.sealing import Sealer
from services.intake.unit_of_work import IntakeUnitOfWork
from shared.clock import utcnow


@dataclass(frozen=True)
class Created:
    agency: AgencyInfo
    signing_secret: str | None  # shown once, when the agency must sign from the start


async def create_agency(uow: IntakeUnitOfWork, command: CreateAgency, *, sealer: Sealer) -> Created:
    credit_code, kind = checked_entry(credit_code=command.credit_code, kind=command.kind)
    async with uow:
        if await uow.agencies.id_by_credit_code(credit_code) is not None:
            raise DuplicateAgency(f"credit code {credit_code} is already registered")
        agency_id = uuid4()
        await uow.agencies.add(
            agency_id=agency_id, credit_code=credit_code, name=command.name, kind=kind, now=utcnow()
        )
        detail = {"credit_code": credit_code, "name": command.name, "kind": str(kind)}
        await uow.audit.record(
            actor=command.actor,
            action="agency.create",
            target=audit_target(agency_id),
            detail=detail,
        )
        secret = None
        if command.require_signature:
            signing = SetSigning(actor=command.actor, agency_id=agency_id, required=True)
            secret = await _set_signing(uow, signing, sealer=sealer)
        agency = await _agency(uow, agency_id)
        await uow.commit()
    return Created(agency, secret)


async def seed_agency(uow: IntakeUnitOfWork, command: SeedAgency) -> IssuedKey:
    """Idempotent for the agency; a new key on each call."""
    credit_code, kind = checked_entry(credit_code=command.credit_code, kind=command.kind)
    async with uow:
        agency_id = await uow.agencies.id_by_credit_code(credit_code)
        if agency_id is None:
            agency_id = command.agency_id or uuid4()
            await uow.agencies.add(
                agency_id=agency_id,
                credit_code=credit_code,
                name=command.name,
                kind=kind,
                now=utcnow(),
            )
        await uow.agencies.revoke_keys(agency_id, label=command.label, now=utcnow())
        issued = await add_key(uow, agency_id, label=command.label)
        await uow.commit()
    return issued


async def get_agency(uow: IntakeUnitOfWork, agency_id: UUID) -> AgencyInfo:
    async with uow:
        return await _agency(uow, agency_id)


async def list_agencies(uow: IntakeUnitOfWork) -> list[AgencyInfo]:
    async with uow:
        return await uow.agencies.all()


async def find_agency(uow: IntakeUnitOfWork, reference: str) -> UUID:
    """An agency by id or by credit code, as people type them on the command line."""
    async with uow:
        found = await uow.agencies.find_id(reference)
    if found is None:
        raise AgencyNotFound(f"no agency {reference}")
    return found


async def set_active(uow: IntakeUnitOfWork, command: SetActive) -> AgencyInfo:
    async with uow:
        await _agency(uow, command.agency_id)
        await uow.agencies.set_active(command.agency_id, command.active)
        await uow.audit.record(
            actor=command.actor,
            action="agency.enable" if command.active else "agency.disable",
            target=audit_target(command.agency_id),
        )
        agency = await _agency(uow, command.agency_id)
        await uow.commit()
    return agency


async def set_signing(uow: IntakeUnitOfWork, command: SetSigning, *, sealer: Sealer) -> str | None:
    """Turns the requirement on or off; returns a new secret when the agency had none."""
    async with uow:
        await _agency(uow, command.agency_id)
        secret = await _set_signing(uow, command, sealer=sealer)
        await uow.commit()
    return secret


async def rotate_signing_secret(
    uow: IntakeUnitOfWork, command: RotateSigningSecret, *, sealer: Sealer
) -> tuple[str, AgencyInfo]:
    """Replaces the secret at once: HMAC has no key id, so two live secrets would be ambiguous."""
    async with uow:
        await _agency(uow, command.agency_id)
        secret = new_signing_secret()
        sealed = seal_secret(sealer, command.agency_id, secret)
        await uow.agencies.set_signing_secret(command.agency_id, sealed)
        await uow.audit.record(
            actor=command.actor,
            action="agency.signing.rotate",
            target=audit_target(command.agency_id),
        )
        agency = await _agency(uow, command.agency_id)
        await uow.commit()
    return secret, agency


async def _set_signing(uow: IntakeUnitOfWork, command: SetSigning, *, sealer: Sealer) -> str | None:
    secret = None
    if command.required and await uow.agencies.sealed_signing_secret(command.agency_id) is None:
        secret = new_signing_secret()
        sealed = seal_secret(sealer, command.agency_id, secret)
        await uow.agencies.set_signing_secret(command.agency_id, sealed)
    await uow.agencies.set_require_signature(command.agency_id, command.required)
    await uow.audit.record(
        actor=command.actor,
        action="agency.signing.require" if command.required else "agency.signing.relax",
        target=audit_target(command.agency_id),
        detail={"new_secret_issued": secret is not None},
    )
    return secret


async def _agency(uow: IntakeUnitOfWork, agency_id: UUID) -> AgencyInfo:
    found = await uow.agencies.one(agency_id)
    if found is None:
        raise AgencyNotFound(f"no agency {agency_id}")
    return found
