"""Agency registry administration: `/v1/admin/agencies`, for staff with the intake_admin role."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Path, Request, Response
from sqlalchemy.ext.asyncio import AsyncSession

from services.intake import agencies, agency_keys, signing
from services.intake.admin_schemas import (
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
from shared.auth import Principal
from shared.bearer import bearer_principal
from shared.runtime import Runtime

ADMIN_ROLE = "intake_admin"

CurrentAdmin = Annotated[Principal, Depends(bearer_principal(roles=[ADMIN_ROLE]))]
AgencyId = Annotated[UUID, Path(description="the agency's id")]
KeyId = Annotated[str, Path(pattern=r"^[0-9a-f]{12}$", description="the public part of a key")]

router = APIRouter(
    prefix="/v1/admin/agencies",
    tags=["agency administration"],
    responses={401: {"description": "no valid token"}, 403: {"description": "not an admin"}},
)


@asynccontextmanager
async def _reading(request: Request) -> AsyncIterator[AsyncSession]:
    runtime: Runtime = request.app.state.runtime
    async with runtime.sessions() as session:
        yield session


@asynccontextmanager
async def _changing(request: Request) -> AsyncIterator[AsyncSession]:
    """One transaction; afterwards this worker forgets the keys it had verified."""
    runtime: Runtime = request.app.state.runtime
    async with runtime.sessions.begin() as session:
        yield session
    request.app.state.key_cache.clear()


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
    body: AgencyIn, admin: CurrentAdmin, request: Request, response: Response
) -> AgencyCreated:
    async with _changing(request) as session:
        agency = await agencies.create_agency(
            session,
            actor=admin.user_id,
            credit_code=body.credit_code,
            name=body.name,
            kind=body.kind,
        )
        secret = None
        if body.require_signature:
            secret = await signing.set_signing(
                session,
                actor=admin.user_id,
                agency_id=agency.id,
                required=True,
                sealer=request.app.state.sealer,
            )
            agency = await agencies.get_agency(session, agency.id)
    _once(response)
    return AgencyCreated(**AgencyOut.of(agency).model_dump(), signing_secret=secret)


@router.get("", response_model=list[AgencyOut], summary="Every agency with its keys")
async def list_agencies(admin: CurrentAdmin, request: Request) -> list[AgencyOut]:
    async with _reading(request) as session:
        return [AgencyOut.of(a) for a in await agencies.list_agencies(session)]


@router.get("/{agency_id}", response_model=AgencyOut, summary="One agency with its keys")
async def get_agency(agency_id: AgencyId, admin: CurrentAdmin, request: Request) -> AgencyOut:
    async with _reading(request) as session:
        return AgencyOut.of(await agencies.get_agency(session, agency_id))


@router.post(
    "/{agency_id}/disable", response_model=AgencyOut, summary="Disable: its keys stop at once"
)
async def disable_agency(agency_id: AgencyId, admin: CurrentAdmin, request: Request) -> AgencyOut:
    async with _changing(request) as session:
        agency = await agencies.set_active(
            session, actor=admin.user_id, agency_id=agency_id, active=False
        )
    return AgencyOut.of(agency)


@router.post("/{agency_id}/enable", response_model=AgencyOut, summary="Enable again")
async def enable_agency(agency_id: AgencyId, admin: CurrentAdmin, request: Request) -> AgencyOut:
    async with _changing(request) as session:
        agency = await agencies.set_active(
            session, actor=admin.user_id, agency_id=agency_id, active=True
        )
    return AgencyOut.of(agency)


@router.post(
    "/{agency_id}/keys",
    status_code=201,
    response_model=IssuedKeyOut,
    summary="Issue an API key (shown once)",
)
async def issue_key(
    agency_id: AgencyId, body: KeyIn, admin: CurrentAdmin, request: Request, response: Response
) -> IssuedKeyOut:
    async with _changing(request) as session:
        issued = await agency_keys.issue_agency_key(
            session, actor=admin.user_id, agency_id=agency_id, label=body.label
        )
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
    admin: CurrentAdmin,
    request: Request,
    response: Response,
) -> RotatedKeyOut:
    async with _changing(request) as session:
        rotated = await agency_keys.rotate_key(
            session,
            actor=admin.user_id,
            agency_id=agency_id,
            key_id=key_id,
            grace_seconds=body.grace_seconds,
            label=body.label,
        )
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
    agency_id: AgencyId, key_id: KeyId, admin: CurrentAdmin, request: Request
) -> KeyOut:
    async with _changing(request) as session:
        key = await agency_keys.revoke_key(
            session, actor=admin.user_id, agency_id=agency_id, key_id=key_id
        )
    return KeyOut.of(key)


@router.put(
    "/{agency_id}/signing",
    response_model=SigningOut,
    summary="Require request signatures, or stop requiring them",
)
async def set_signing(
    agency_id: AgencyId, body: SigningIn, admin: CurrentAdmin, request: Request, response: Response
) -> SigningOut:
    async with _changing(request) as session:
        secret = await signing.set_signing(
            session,
            actor=admin.user_id,
            agency_id=agency_id,
            required=body.required,
            sealer=request.app.state.sealer,
        )
    _once(response)
    return SigningOut(agency_id=agency_id, require_signature=body.required, signing_secret=secret)


@router.post(
    "/{agency_id}/signing/rotate",
    response_model=SigningOut,
    summary="Replace the signing secret at once (shown once)",
)
async def rotate_signing_secret(
    agency_id: AgencyId, admin: CurrentAdmin, request: Request, response: Response
) -> SigningOut:
    async with _changing(request) as session:
        secret = await signing.rotate_signing_secret(
            session, actor=admin.user_id, agency_id=agency_id, sealer=request.app.state.sealer
        )
        agency = await agencies.get_agency(session, agency_id)
    _once(response)
    return SigningOut(
        agency_id=agency_id, require_signature=agency.require_signature, signing_secret=secret
    )
