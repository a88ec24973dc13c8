"""Every query about attachment content: what a referral declared, what was uploaded."""

from typing import Any
from uuid import UUID

from sqlalchemy import Row, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.intake import orm
from services.intake.attachments.domain import DeclaredAttachment
from shared.db import insert_ignoring_duplicates

_c, _r = orm.attachment_contents, orm.referrals


class AttachmentRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def declared(self, *, agency_id: UUID, referral_id: UUID) -> list[DeclaredAttachment]:
        """The referral's declarations; none for a referral the agency does not own."""
        query = select(_r.c.attachments).where(_r.c.id == referral_id, _r.c.agency_id == agency_id)
        stored = (await self.session.execute(query)).scalar_one_or_none()
        return [DeclaredAttachment.of(a) for a in stored or ()]

    async def add_content(self, values: dict[str, Any]) -> bool:
        """False when this content was already recorded for the attachment."""
        return await insert_ignoring_duplicates(self.session, _c, values)

    async def content(self, *, agency_id: UUID, referral_id: UUID, index: int) -> Row[Any] | None:
        query = (
            select(_c, _r.c.attachments)
            .join(_r, _r.c.id == _c.c.referral_id)
            .where(
                _c.c.referral_id == referral_id,
                _c.c.attachment_index == index,
                _r.c.agency_id == agency_id,
            )
        )
        return (await self.session.execute(query)).first()

    async def uploaded_indexes(self, referral_id: UUID) -> set[int]:
        query = select(_c.c.attachment_index).where(_c.c.referral_id == referral_id)
        return set((await self.session.execute(query)).scalars())
