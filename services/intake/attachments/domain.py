"""Declared attachments and what an upload must be to count as one; pure, no I/O.

The referral declares each attachment (name, type, size, SHA-256) when it is created; the bytes
follow in a separate upload and are kept only if they are exactly what was declared.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from services.intake.errors import ContentRejected, ContentTooLarge, ContentTypeRefused
from services.intake.referrals.identifiers import safe_file_name


@dataclass(frozen=True)
class DeclaredAttachment:
    name: str
    media_type: str
    size: int
    sha256: str

    @classmethod
    def of(cls, stored: dict[str, Any]) -> "DeclaredAttachment":
        return cls(stored["name"], stored["media_type"], stored["size"], stored["sha256"])

    def stored_form(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "media_type": self.media_type,
            "size": self.size,
            "sha256": self.sha256,
        }


@dataclass(frozen=True)
class AttachmentPolicy:
    """What this deployment accepts: media types (lower case) and a size cap."""

    media_types: frozenset[str]
    max_bytes: int

    @classmethod
    def of(cls, media_types: Iterable[str], max_bytes: int) -> "AttachmentPolicy":
        return cls(frozenset(t.lower() for t in media_types), max_bytes)

    def declared_errors(self, attachments: Sequence[DeclaredAttachment]) -> list[dict[str, str]]:
        """Attachments declared at create that no upload could ever satisfy, named per field."""
        errors = []
        for i, attachment in enumerate(attachments):
            if attachment.media_type.lower() not in self.media_types:
                accepted = ", ".join(sorted(self.media_types))
                message = f"media type not accepted; accepted: {accepted}"
                errors.append({"field": f"attachments.{i}.media_type", "message": message})
            if attachment.size > self.max_bytes:
                message = f"larger than the {self.max_bytes} bytes accepted"
                errors.append({"field": f"attachments.{i}.size", "message": message})
        return errors

    def check_upload(
        self, declared: DeclaredAttachment, *, content_type: str | None, content_length: int | None
    ) -> None:
        """Refuses, before a byte is read, an upload that cannot be the declared content."""
        media_type = (content_type or "").split(";", 1)[0].strip().lower()
        if media_type != declared.media_type.lower():
            message = f"Content-Type must be the declared {declared.media_type}"
            raise ContentTypeRefused(message, field="Content-Type")
        if media_type not in self.media_types:
            raise ContentTypeRefused(f"{media_type} is not accepted", field="Content-Type")
        if declared.size > self.max_bytes:
            raise ContentTooLarge(f"attachments are limited to {self.max_bytes} bytes")
        if content_length is not None and content_length != declared.size:
            raise ContentRejected(
                f"Content-Length {content_length} differs from the declared {declared.size}",
                field="Content-Length",
            )


def content_disposition(name: str) -> str:
    """RFC 6266 with an RFC 5987 `filename*`: an ASCII fallback and the UTF-8 name, both from
    the name's last path component and visible characters only (stored names may predate that)."""
    safe = safe_file_name(name) or "attachment"
    fallback = "".join(c if " " <= c <= "~" and c not in '"\\%;' else "_" for c in safe)
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(safe, safe='')}"
