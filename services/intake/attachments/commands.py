"""What an agency asks of an attachment's content: plain data, the bytes as a stream."""

from collections.abc import AsyncIterator
from dataclasses import dataclass
from uuid import UUID


@dataclass(frozen=True, kw_only=True)
class OneAttachment:
    agency_id: UUID
    referral_id: UUID
    index: int

    def target(self) -> str:
        return f"referral:{self.referral_id}"


@dataclass(frozen=True, kw_only=True)
class UploadContent:
    attachment: OneAttachment
    content_type: str | None
    content_length: int | None
    chunks: AsyncIterator[bytes]
