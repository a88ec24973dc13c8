"""Intake's HTTP routes: parse, call the handler, shape the response."""

import hashlib
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Header, Request
from fastapi.responses import JSONResponse

from services.intake import handlers
from services.intake.auth import CurrentAgency
from services.intake.commands import SubmitReferral
from services.intake.schemas import ReferralIn, ReferralOut
from services.intake.unit_of_work import IntakeUnitOfWork
from shared.problems import NotFound
from shared.runtime import Runtime

router = APIRouter(prefix="/v1", tags=["referrals"])

IdempotencyKey = Annotated[
    str,
    Header(
        alias="Idempotency-Key",
        min_length=1,
        max_length=200,
        description="Unique per agency; a retry with the same key and body replays the receipt",
    ),
]


def _runtime(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


@router.post(
    "/referrals",
    status_code=201,
    response_model=ReferralOut,
    summary="Refer a problem clue (问题线索移送)",
    responses={422: {"description": "invalid, or the key was used with another body"}},
)
async def create_referral(
    body: ReferralIn, agency: CurrentAgency, key: IdempotencyKey, request: Request
) -> JSONResponse:
    runtime = _runtime(request)
    command = SubmitReferral(
        agency=agency,
        referral=body,
        idempotency_key=key,
        request_hash=hashlib.sha256(body.model_dump_json().encode()).hexdigest(),
    )
    row, replayed = await handlers.submit_referral(
        IntakeUnitOfWork(runtime),
        command,
        sealer=request.app.state.sealer,
        pepper=request.app.state.settings.id_hash_pepper,
    )
    view = await handlers.read_referral(runtime.sessions, agency.id, row.id)
    if view is None:
        raise NotFound("no such referral")
    headers = {"Location": f"/v1/referrals/{row.id}"}
    if replayed:
        headers["Idempotent-Replayed"] = "true"
    return JSONResponse(view.model_dump(mode="json"), status_code=201, headers=headers)


@router.get("/referrals/{referral_id}", response_model=ReferralOut, summary="Status and timeline")
async def get_referral(referral_id: UUID, agency: CurrentAgency, request: Request) -> ReferralOut:
    view = await handlers.read_referral(_runtime(request).sessions, agency.id, referral_id)
    if view is None:
        raise NotFound("no such referral")
    return view
