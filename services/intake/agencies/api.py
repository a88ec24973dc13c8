"""Agency registry administration: `/v1/admin/agencies`, for staff with the intake_admin role."""

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Path, Response

from services.intake.agencies import handlers, keys
from services.intake.agencies.commands import (
    CreateAgency,
    IssueKey,
    RevokeKey,
    RotateKey,
    RotateSigningSecret,
    SetActive,
    SetSigning,
)
from services.intake.agencies.schemas import (
    AgencyCreated,
    AgencyIn,
    AgencyOut,
    IssuedKeyOut,
    KeyIn,
    KeyOut,
    RotatedKeyOut,
    RotateKeyIn,
    SigningIn,
    SigningOut,
)
from services.intake.deps import CurrentStaff, ServicesDep, UowDep
from services.intake.unit_of_work import IntakeUnitOfWork

AgencyId = Annotated[UUID, Path(description="the agency's id")]
KeyId = Annotated[str, Path(pattern=r"^[0-9a-f]{12}$", description="the public part of a key")]


def _registry(found: ServicesDep) -> IntakeUnitOfWork:
    return found.registry_uow()


# Changes the registry; afterwards this process forgets the keys it had verified.
RegistryUow = Annotated[IntakeUnitOfWork, Depends(_registry)]

router = APIRouter(
    prefix="/v1/admin/agencies",
    tags=["agency administration"],
    responses={401: {"description": "no valid token"}, 403: {"description": "not an admin"}},
)


def _once(response: Response) -> None:
    # The body holds a secret that exists nowhere else in plaintext: no cache may keep it.
    response.headers["Cache-Control"] = "no-store"


@router.post(
    "",
    status_code=201,
    response_model=AgencyCreated,
    summary="Register a partner agency",
    responses={409: {"description": "the credit code is registered"}},
)
async def create_agency(
    body: AgencyIn, admin: CurrentStaff, uow: RegistryUow, found: ServicesDep, response: Response
) -> AgencyCreated:
    command = CreateAgency(
        actor=admin.user_id,
        credit_code=body.credit_code,
        name=body.name,
        kind=body.kind,
        require_signature=body.require_signature,
    )
    created = await handlers.create_agency(uow, command, sealer=found.sealer)
    _once(response)
    return AgencyCreated(
        **AgencyOut.of(created.agency).model_dump(), signing_secret=created.signing_secret
    )


@router.get("", response_model=list[AgencyOut], summary="Every agency with its keys")
async def list_agencies(admin: CurrentStaff, uow: UowDep) -> list[AgencyOut]:
    return [AgencyOut.of(a) for a in await handlers.list_agencies(uow)]


@router.get("/{agency_id}", response_model=AgencyOut, summary="One agency with its keys")
async def get_agency(agency_id: AgencyId, admin: CurrentStaff, uow: UowDep) -> AgencyOut:
    return AgencyOut.of(await handlers.get_agency(uow, agency_id))


@router.post(
    "/{agency_id}/disable", response_model=AgencyOut, summary="Disable: its keys stop at once"
)
async def disable_agency(agency_id: AgencyId, admin: CurrentStaff, uow: RegistryUow) -> AgencyOut:
    command = SetActive(actor=admin.user_id, agency_id=agency_id, active=False)
    return AgencyOut.of(await handlers.set_active(uow, command))


@router.post("/{agency_id}/enable", response_model=AgencyOut, summary="Enable again")
async def enable_agency(agency_id: AgencyId, admin: CurrentStaff, uow: RegistryUow) -> AgencyOut:
    command = SetActive(actor=admin.user_id, agency_id=agency_id, active=True)
    return AgencyOut.of(await handlers.set_active(uow, command))


@router.post(
    "/{agency_id}/keys",
    status_code=201,
    response_model=IssuedKeyOut,
    summary="Issue an API key (shown once)",
)
async def issue_key(
    agency_id: AgencyId, body: KeyIn, admin: CurrentStaff, uow: RegistryUow, response: Response
) -> IssuedKeyOut:
    command = IssueKey(actor=admin.user_id, agency_id=agency_id, label=body.label)
    issued = await keys.issue_key(uow, command)
    _once(response)
    return IssuedKeyOut(agency_id=agency_id, key_id=issued.key_id, api_key=issued.api_key)


@router.post(
    "/{agency_id}/keys/{key_id}/rotate",
    status_code=201,
    response_model=RotatedKeyOut,
    summary="Replace a key; the old one stops after the grace period",
    responses={409: {"description": "the key is already revoked"}},
)
async def rotate_key(
    agency_id: AgencyId,
    key_id: KeyId,
    body: RotateKeyIn,
    admin: CurrentStaff,
    uow: RegistryUow,
    response: Response,
) -> RotatedKeyOut:
    command = RotateKey(
        actor=admin.user_id,
        agency_id=agency_id,
        key_id=key_id,
        grace_seconds=body.grace_seconds,
        label=body.label,
    )
    rotated = await keys.rotate_key(uow, command)
    _once(response)
    return RotatedKeyOut(
        agency_id=agency_id,
        key_id=rotated.issued.key_id,
        api_key=rotated.issued.api_key,
        old_key_id=rotated.old_key_id,
        old_key_expires_at=rotated.old_key_expires_at,
    )


@router.post(
    "/{agency_id}/keys/{key_id}/revoke",
    response_model=KeyOut,
    summary="Revoke a key at once",
    responses={409: {"description": "the key is already revoked"}},
)
async def revoke_key(
    agency_id: AgencyId, key_id: KeyId, admin: CurrentStaff, uow: RegistryUow
) -> KeyOut:
    command = RevokeKey(actor=admin.user_id, agency_id=agency_id, key_id=key_id)
    return KeyOut.of(await keys.revoke_key(uow, command))


@router.put(
    "/{agency_id}/signing",
    response_model=SigningOut,
    summary="Require request signatures, or stop requiring them",
)
async def set_signing(
    agency_id: AgencyId,
    body: SigningIn,
    admin: CurrentStaff,
    uow: RegistryUow,
    found: ServicesDep,
    response: Response,
) -> SigningOut:
    command = SetSigning(actor=admin.user_id, agency_id=agency_id, required=body.required)
    secret = await handlers.set_signing(uow, command, sealer=found.sealer)
    _once(response)
    return SigningOut(agency_id=agency_id, require_signature=body.required, signing_secret=secret)


@router.post(
    "/{agency_id}/signing/rotate",
    response_model=SigningOut,
    summary="Replace the signing secret at once (shown once)",
)
async def rotate_signing_secret(
    agency_id: AgencyId,
    admin: CurrentStaff,
    uow: RegistryUow,
    found: ServicesDep,
    response: Response,
) -> SigningOut:
    command = RotateSigningSecret(actor=admin.user_id, agency_id=agency_id)
    secret, agency = await handlers.rotate_signing_secret(uow, command, sealer=found.sealer)
    _once(response)
    return SigningOut(
        agency_id=agency_id, require_signature=agency.require_signature, signing_secret=secret
    )
