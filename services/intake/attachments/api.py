"""Attachment content routes: upload a declared attachment's bytes, read them back."""

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Path, Request
from fastapi.responses import FileResponse, JSONResponse

from services.intake.attachments import handlers
from services.intake.attachments.commands import OneAttachment, UploadContent
from services.intake.attachments.domain import content_disposition
from services.intake.attachments.schemas import AttachmentContentOut
from services.intake.deps import CurrentAgency, ServicesDep
from services.intake.settings import Settings

router = APIRouter(prefix="/v1", tags=["referrals"])

AttachmentIndex = Annotated[int, Path(ge=0, le=19, description="position in `attachments`")]


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
    referral_id: UUID,
    index: AttachmentIndex,
    agency: CurrentAgency,
    found: ServicesDep,
    request: Request,
) -> JSONResponse:
    length = request.headers.get("content-length")
    command = UploadContent(
        attachment=OneAttachment(agency_id=agency.id, referral_id=referral_id, index=index),
        content_type=request.headers.get("content-type"),
        content_length=int(length) if length and length.isdigit() else None,
        chunks=request.stream(),
    )
    stored = await handlers.upload_content(
        found.uow(), command, store=found.attachment_store, policy=found.attachment_policy()
    )
    body = stored.content.model_dump(mode="json")
    return JSONResponse(body, status_code=201 if stored.created else 200)


@router.get(
    "/referrals/{referral_id}/attachments/{index}/content",
    response_class=FileResponse,
    summary="Read back an uploaded attachment",
    responses={200: _binary("the content as uploaded")},
)
async def get_attachment_content(
    referral_id: UUID, index: AttachmentIndex, agency: CurrentAgency, found: ServicesDep
) -> FileResponse:
    query = OneAttachment(agency_id=agency.id, referral_id=referral_id, index=index)
    content = await handlers.stored_content(found.uow(), query, store=found.attachment_store)
    return FileResponse(
        content.path,
        media_type=content.media_type,
        headers={
            "Cache-Control": "no-store",
            "X-Content-Type-Options": "nosniff",
            "Content-Disposition": content_disposition(content.name),
        },
    )
