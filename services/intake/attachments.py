"""Attachment content: checked against what the referral declared, kept content-addressed.

The referral declares each attachment (name, type, size, SHA-256) when it is created; the bytes
follow in a separate upload and are kept only if they are exactly what was declared.
"""

import asyncio
import contextlib
import hashlib
import os
import re
import tempfile
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any
from urllib.parse import quote
from uuid import UUID

from starlette.types import ASGIApp, Receive, Scope, Send

from services.intake import orm
from services.intake.domain import ContentRejected
from services.intake.identifiers import safe_file_name
from services.intake.ratelimit import BodySizeLimit
from services.intake.repository import Repository
from services.intake.schemas import AttachmentContentOut, ReferralIn
from services.intake.settings import Settings
from services.intake.unit_of_work import IntakeUnitOfWork
from shared.clock import utcnow
from shared.db import insert_ignoring_duplicates
from shared.runtime import Runtime

CONTENT_PATH = re.compile(r"^/v1/referrals/[^/]+/attachments/[^/]+/content$")


class AttachmentStore:
    """Files named by their SHA-256 under one directory; identical content is stored once."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def path_for(self, sha256: str) -> Path:
        return self.root / sha256[:2] / sha256

    async def save(self, chunks: AsyncIterator[bytes], *, size: int, sha256: str) -> None:
        """Streams into a temporary file and renames it into place only if size and hash match,
        so a reader never sees a partial or unverified file."""
        final = self.path_for(sha256)
        if await asyncio.to_thread(final.exists):
            await _verify(chunks, size=size, sha256=sha256, sink=None)
            return
        tmp_dir = self.root / "tmp"
        await asyncio.to_thread(tmp_dir.mkdir, parents=True, exist_ok=True)
        fd, tmp_name = await asyncio.to_thread(tempfile.mkstemp, dir=tmp_dir)
        try:
            with os.fdopen(fd, "wb") as sink:
                await _verify(chunks, size=size, sha256=sha256, sink=sink)
                await asyncio.to_thread(_flush, sink)
            await asyncio.to_thread(_move, Path(tmp_name), final)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp_name)
            raise


async def _verify(
    chunks: AsyncIterator[bytes], *, size: int, sha256: str, sink: IO[bytes] | None
) -> None:
    digest, received = hashlib.sha256(), 0
    async for chunk in chunks:
        received += len(chunk)
        if received > size:
            raise ContentRejected(f"the body is longer than the declared size of {size} bytes")
        digest.update(chunk)
        if sink is not None and chunk:
            await asyncio.to_thread(sink.write, chunk)
    if received != size:
        raise ContentRejected(f"the body has {received} bytes; {size} were declared")
    if digest.hexdigest() != sha256:
        raise ContentRejected("the body's SHA-256 differs from the declared sha256")


def _flush(sink: IO[bytes]) -> None:
    sink.flush()
    os.fsync(sink.fileno())


def _move(tmp: Path, final: Path) -> None:
    final.parent.mkdir(parents=True, exist_ok=True)
    os.replace(tmp, final)  # atomic: a concurrent upload of the same content lands the same bytes


def declared_errors(referral: ReferralIn, settings: Settings) -> list[dict[str, str]]:
    """Attachments declared at create that no upload could ever satisfy, named per field."""
    allowed = {t.lower() for t in settings.attachment_media_types}
    errors = []
    for i, attachment in enumerate(referral.attachments):
        if attachment.media_type.lower() not in allowed:
            message = f"media type not accepted; accepted: {', '.join(sorted(allowed))}"
            errors.append({"field": f"attachments.{i}.media_type", "message": message})
        if attachment.size > settings.attachment_max_bytes:
            message = f"larger than the {settings.attachment_max_bytes} bytes accepted"
            errors.append({"field": f"attachments.{i}.size", "message": message})
    return errors


@dataclass(frozen=True)
class Upload:
    agency_id: UUID
    referral_id: UUID
    index: int
    content_type: str | None
    content_length: int | None
    chunks: AsyncIterator[bytes]


async def upload_content(
    runtime: Runtime, store: AttachmentStore, settings: Settings, upload: Upload
) -> tuple[AttachmentContentOut, bool] | None:
    """Keeps verified content; returns (what is stored, whether it is new), None if not theirs."""
    declared = await _declared(runtime, upload.agency_id, upload.referral_id, upload.index)
    if declared is None:
        return None
    _check_headers(upload, declared, settings)
    await store.save(upload.chunks, size=declared["size"], sha256=declared["sha256"])
    values = {
        "referral_id": upload.referral_id,
        "attachment_index": upload.index,
        "sha256": declared["sha256"],
        "size": declared["size"],
        "media_type": declared["media_type"],
        "uploaded_at": utcnow(),
    }
    async with IntakeUnitOfWork(runtime) as uow:
        created = await insert_ignoring_duplicates(uow.session, orm.attachment_contents, values)
        await uow.commit()
    return _content_out(values), created


async def _declared(
    runtime: Runtime, agency_id: UUID, referral_id: UUID, index: int
) -> dict[str, Any] | None:
    async with runtime.sessions() as session:
        row = await Repository(session).referral(agency_id, referral_id)
    if row is None or not 0 <= index < len(row.attachments):
        return None
    declared: dict[str, Any] = row.attachments[index]
    return declared


def _check_headers(upload: Upload, declared: dict[str, Any], settings: Settings) -> None:
    media_type = (upload.content_type or "").split(";", 1)[0].strip().lower()
    if media_type != declared["media_type"].lower():
        raise ContentRejected(
            f"Content-Type must be the declared {declared['media_type']}",
            status=415,
            field="Content-Type",
        )
    if media_type not in {t.lower() for t in settings.attachment_media_types}:
        raise ContentRejected(f"{media_type} is not accepted", status=415, field="Content-Type")
    if declared["size"] > settings.attachment_max_bytes:
        limit = settings.attachment_max_bytes
        raise ContentRejected(f"attachments are limited to {limit} bytes", status=413)
    if upload.content_length is not None and upload.content_length != declared["size"]:
        raise ContentRejected(
            f"Content-Length {upload.content_length} differs from the declared {declared['size']}",
            field="Content-Length",
        )


async def stored_content(
    runtime: Runtime, store: AttachmentStore, agency_id: UUID, referral_id: UUID, index: int
) -> tuple[Path, str, str] | None:
    """(file, media type, declared name) of uploaded content the agency owns, else None."""
    async with runtime.sessions() as session:
        content = await Repository(session).attachment_content(agency_id, referral_id, index)
    if content is None:
        return None
    path = store.path_for(content.sha256)
    if not await asyncio.to_thread(path.is_file):
        return None
    return path, content.media_type, content.attachments[index]["name"]


def content_disposition(name: str) -> str:
    """RFC 6266 with an RFC 5987 `filename*`: an ASCII fallback and the UTF-8 name, both from
    the name's last path component and visible characters only (stored names may predate that)."""
    safe = safe_file_name(name) or "attachment"
    fallback = "".join(c if " " <= c <= "~" and c not in '"\\%;' else "_" for c in safe)
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(safe, safe='')}"


def _content_out(values: dict[str, Any]) -> AttachmentContentOut:
    return AttachmentContentOut(
        index=values["attachment_index"],
        sha256=values["sha256"],
        size=values["size"],
        media_type=values["media_type"],
        uploaded_at=values["uploaded_at"],
    )


class UploadAwareBodyLimit:
    """The request body cap, with content uploads held to the attachment size cap instead."""

    def __init__(self, app: ASGIApp, max_bytes: int, upload_max_bytes: int) -> None:
        self._default = BodySizeLimit(app, max_bytes)
        self._uploads = BodySizeLimit(app, upload_max_bytes)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        upload = scope["type"] == "http" and CONTENT_PATH.match(scope.get("path", "")) is not None
        await (self._uploads if upload else self._default)(scope, receive, send)
