"""Attachment content use cases: keep an upload that is exactly what was declared; read it back."""

import asyncio
from dataclasses import dataclass
from pathlib import Path

from services.intake.attachments.commands import OneAttachment, UploadContent
from services.intake.attachments.domain import AttachmentPolicy, DeclaredAttachment
from services.intake.attachments.schemas import AttachmentContentOut
from services.intake.attachments.store import AttachmentStore
from services.intake.errors import NotOwned
from services.intake.unit_of_work import IntakeUnitOfWork
from shared.clock import utcnow


@dataclass(frozen=True)
class Stored:
    content: AttachmentContentOut
    created: bool  # False: the same content was already stored


@dataclass(frozen=True)
class Content:
    path: Path
    media_type: str
    name: str  # as declared


async def upload_content(
    uow: IntakeUnitOfWork,
    command: UploadContent,
    *,
    store: AttachmentStore,
    policy: AttachmentPolicy,
) -> Stored:
    declared = await _declared(uow, command.attachment)
    policy.check_upload(
        declared, content_type=command.content_type, content_length=command.content_length
    )
    await store.save(command.chunks, size=declared.size, sha256=declared.sha256)
    values = {
        "referral_id": command.attachment.referral_id,
        "attachment_index": command.attachment.index,
        "sha256": declared.sha256,
        "size": declared.size,
        "media_type": declared.media_type,
        "uploaded_at": utcnow(),
    }
    async with uow:
        created = await uow.attachments.add_content(values)
        await uow.commit()
    return Stored(_content_out(values), created)


async def stored_content(
    uow: IntakeUnitOfWork, query: OneAttachment, *, store: AttachmentStore
) -> Content:
    """Uploaded content the agency owns, as it was uploaded."""
    async with uow:
        content = await uow.attachments.content(
            agency_id=query.agency_id, referral_id=query.referral_id, index=query.index
        )
    path = store.path_for(content.sha256) if content is not None else None
    if content is None or path is None or not await asyncio.to_thread(path.is_file):
        message = "no such referral, attachment or uploaded content"
        raise NotOwned(message, agency_id=query.agency_id, target=query.target())
    return Content(path, content.media_type, content.attachments[query.index]["name"])


async def _declared(uow: IntakeUnitOfWork, attachment: OneAttachment) -> DeclaredAttachment:
    async with uow:
        declared = await uow.attachments.declared(
            agency_id=attachment.agency_id, referral_id=attachment.referral_id
        )
    if not 0 <= attachment.index < len(declared):
        message = "no such referral or attachment"
        raise NotOwned(message, agency_id=attachment.agency_id, target=attachment.target())
    return declared[attachment.index]


def _content_out(values: dict[str, object]) -> AttachmentContentOut:
    return AttachmentContentOut.model_validate(
        {
            "index": values["attachment_index"],
            "sha256": values["sha256"],
            "size": values["size"],
            "media_type": values["media_type"],
            "uploaded_at": values["uploaded_at"],
        }
    )
