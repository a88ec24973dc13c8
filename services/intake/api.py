"""Intake's HTTP routes: parse, call the handler, shape the response."""

from datetime import timedelta
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Header, Path, Query, Request
from fastapi.responses import FileResponse, JSONResponse

from services.intake import attachments, handlers, unsealing
from services.intake.app_state import runtime_of, settings_of
from services.intake.attachments import AttachmentStore, Upload
from services.intake.auth import CurrentAgency
from services.intake.commands import SubmitReferral
from services.intake.identifiers import request_fingerprint
from services.intake.refusals import AccessRefused
from services.intake.repository import ReferralFilter
from services.intake.schemas import (
    AttachmentContentOut,
    ReferralIn,
    ReferralOut,
    ReferralPage,
    UnsealedReporterOut,
    UnsealIn,
)
from services.intake.settings import Settings
from services.intake.unit_of_work import IntakeUnitOfWork
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
    body: ReferralIn, agency: CurrentAgency, key: IdempotencyKey, request: Request
) -> JSONResponse:
    settings = settings_of(request)
    if errors := attachments.declared_errors(body, settings):
        raise ValidationFailed(errors)
    command = SubmitReferral(
        agency=agency,
        referral=body,
        idempotency_key=key,
        request_hash=request_fingerprint(
            settings.request_hash_key.get_secret_value(), body.model_dump_json()
        ),
    )
    view, replayed = await handlers.submit_referral(
        IntakeUnitOfWork(runtime_of(request)),
        command,
        sealer=request.app.state.sealer,
        pepper=settings.id_hash_pepper.get_secret_value(),
        window=timedelta(hours=settings.idempotency_window_hours),
    )
    headers = {"Location": f"/v1/referrals/{view.id}"}
    if replayed:
        headers["Idempotent-Replayed"] = "true"
    return JSONResponse(view.model_dump(mode="json"), status_code=201, headers=headers)


@router.get("/referrals/{referral_id}", response_model=ReferralOut, summary="Status and timeline")
async def get_referral(referral_id: UUID, agency: CurrentAgency, request: Request) -> ReferralOut:
    view = await handlers.read_referral(runtime_of(request).sessions, agency.id, referral_id)
    if view is None:
        raise AccessRefused(
            "no such referral", agency_id=agency.id, target=f"referral:{referral_id}"
        )
    return view


@router.get(
    "/referrals",
    response_model=ReferralPage,
    summary="The agency's referrals, newest first",
    responses={422: {"description": "a bad filter or cursor, named in `errors`"}},
)
async def list_referrals(
    agency: CurrentAgency,
    request: Request,
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
    query = ReferralFilter(
        statuses=tuple(status or ()),
        received_after=received_after,
        received_before=received_before,
        after=after,
        limit=limit + 1,  # one more than shown tells whether another page exists
    )
    rows = await handlers.list_referrals(runtime_of(request).sessions, agency.id, query)
    items, more = rows[:limit], len(rows) > limit
    next_cursor = encode_cursor(items[-1].received_at, items[-1].id) if more else None
    return ReferralPage(items=items, next_cursor=next_cursor)


def _binary(description: str) -> dict[str, object]:
    """OpenAPI content of a raw file in any accepted type (the defaults; settings may differ)."""
    content: dict[str, object] = {
        media_type: {
            "schema": {"type": "string", "format": "binary"},
            "example": "问题清单：……" if media_type == "text/plain" else "(the file's bytes)",
        }
        for media_type in Settings.model_fields["attachment_media_types"].default
    }
    return {"description": description, "content": content}


def _store(request: Request) -> AttachmentStore:
    store: AttachmentStore = request.app.state.attachment_store
    return store


AttachmentIndex = Annotated[int, Path(ge=0, le=19, description="position in `attachments`")]


@router.put(
    "/referrals/{referral_id}/attachments/{index}/content",
    response_model=AttachmentContentOut,
    summary="Upload a declared attachment's content",
    openapi_extra={
        "requestBody": {
            "required": True,
            **_binary("the raw bytes, of the declared media_type, size and SHA-256"),
        }
    },
    responses={
        200: {"description": "the same content was already stored"},
        201: {"description": "stored"},
        413: {"description": "larger than the accepted size"},
        415: {"description": "Content-Type is not the declared, accepted media type"},
        422: {"description": "size or SHA-256 differ from the declaration; nothing kept"},
    },
)
async def put_attachment_content(
    referral_id: UUID, index: AttachmentIndex, agency: CurrentAgency, request: Request
) -> JSONResponse:
    length = request.headers.get("content-length")
    upload = Upload(
        agency_id=agency.id,
        referral_id=referral_id,
        index=index,
        content_type=request.headers.get("content-type"),
        content_length=int(length) if length and length.isdigit() else None,
        chunks=request.stream(),
    )
    stored = await attachments.upload_content(
        runtime_of(request), _store(request), settings_of(request), upload
    )
    if stored is None:
        raise AccessRefused(
            "no such referral or attachment",
            agency_id=agency.id,
            target=f"referral:{referral_id}",
        )
    content, created = stored
    return JSONResponse(content.model_dump(mode="json"), status_code=201 if created else 200)


@router.get(
    "/referrals/{referral_id}/attachments/{index}/content",
    response_class=FileResponse,
    summary="Read back an uploaded attachment",
    responses={200: _binary("the content as uploaded")},
)
async def get_attachment_content(
    referral_id: UUID, index: AttachmentIndex, agency: CurrentAgency, request: Request
) -> FileResponse:
    found = await attachments.stored_content(
        runtime_of(request), _store(request), agency.id, referral_id, index
    )
    if found is None:
        raise AccessRefused(
            "no such referral, attachment or uploaded content",
            agency_id=agency.id,
            target=f"referral:{referral_id}",
        )
    path, media_type, name = found
    return FileResponse(
        path,
        media_type=media_type,
        headers={
            "Cache-Control": "no-store",
            "X-Content-Type-Options": "nosniff",
            "Content-Disposition": attachments.content_disposition(name),
        },
    )


@router.post(
    "/referrals/{referral_id}/reporter:unseal",
    response_model=UnsealedReporterOut,
    tags=["staff"],
    summary="Unseal the reporter (staff with the reporter_unsealer role; audited)",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": UnsealIn.model_json_schema()}},
        }
    },
    responses={401: {"description": "no staff token"}, 403: {"description": "lacks the role"}},
)
async def unseal_reporter(
    referral_id: Annotated[str, Path(max_length=100, json_schema_extra={"format": "uuid"})],
    request: Request,
) -> JSONResponse:
    # The referral id stays text until parsed, so even a malformed call is audited.
    unsealed = await unsealing.unseal(request, referral_id)
    return JSONResponse(unsealed.model_dump(mode="json"), headers={"Cache-Control": "no-store"})
