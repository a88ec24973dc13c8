"""Referral routes: parse, build the command or query, call the use case, shape the answer."""

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Header, Query
from fastapi.responses import JSONResponse

from services.intake.deps import CurrentAgency, ServicesDep, UowDep
from services.intake.referrals import handlers
from services.intake.referrals.commands import ListReferrals, ReadReferral, SubmitReferral
from services.intake.referrals.identifiers import request_fingerprint
from services.intake.referrals.schemas import ReferralIn, ReferralOut, ReferralPage
from shared.codes import ClueStatus
from shared.pagination import InvalidCursor, decode_cursor, encode_cursor
from shared.problems import ValidationFailed
from shared.timestamps import Instant

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


@router.post(
    "/referrals",
    status_code=201,
    response_model=ReferralOut,
    summary="Refer a problem clue (问题线索移送)",
    responses={
        409: {"description": "the first request with this key is still in flight (Retry-After)"},
        422: {"description": "invalid, or the key was used with another body"},
    },
)
async def create_referral(
    body: ReferralIn, agency: CurrentAgency, key: IdempotencyKey, found: ServicesDep
) -> JSONResponse:
    hash_key = found.settings.request_hash_key.get_secret_value()
    command = SubmitReferral(
        sender=agency,
        draft=body.draft(),
        idempotency_key=key,
        request_hash=request_fingerprint(hash_key, body.model_dump_json()),
    )
    accepted = await handlers.submit_referral(
        found.uow(),
        command,
        policy=found.attachment_policy(),
        protection=found.protection(),
        window=found.idempotency_window(),
    )
    view = accepted.referral
    headers = {"Location": f"/v1/referrals/{view.id}"}
    if accepted.replayed:
        headers["Idempotent-Replayed"] = "true"
    return JSONResponse(view.model_dump(mode="json"), status_code=201, headers=headers)


@router.get("/referrals/{referral_id}", response_model=ReferralOut, summary="Status and timeline")
async def get_referral(referral_id: UUID, agency: CurrentAgency, uow: UowDep) -> ReferralOut:
    return await handlers.read_referral(
        uow, ReadReferral(agency_id=agency.id, referral_id=referral_id)
    )


@router.get(
    "/referrals",
    response_model=ReferralPage,
    summary="The agency's referrals, newest first",
    responses={422: {"description": "a bad filter or cursor, named in `errors`"}},
)
async def list_referrals(
    agency: CurrentAgency,
    uow: UowDep,
    status: Annotated[list[ClueStatus] | None, Query(description="any of these statuses")] = None,
    received_after: Annotated[Instant | None, Query(description="inclusive, RFC 3339")] = None,
    received_before: Annotated[Instant | None, Query(description="exclusive, RFC 3339")] = None,
    cursor: Annotated[str | None, Query(max_length=200, description="from next_cursor")] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> ReferralPage:
    if received_after and received_before and received_after >= received_before:
        raise ValidationFailed.of("query.received_before", "must be later than received_after")
    try:
        after = decode_cursor(cursor) if cursor else None
    except InvalidCursor as exc:
        raise ValidationFailed.of("query.cursor", str(exc)) from None
    query = ListReferrals(
        agency_id=agency.id,
        statuses=tuple(status or ()),
        received_after=received_after,
        received_before=received_before,
        after=after,
        limit=limit,
    )
    items, more = await handlers.list_referrals(uow, query)
    next_cursor = encode_cursor(items[-1].received_at, items[-1].id) if more else None
    return ReferralPage(items=items, next_cursor=next_cursor)
