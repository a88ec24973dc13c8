"""The one query of unsealing: a referral's sealed reporter and who handles the referral."""

from typing import Any
from uuid import UUID

from sqlalchemy import ColumnElement, Row, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.intake import orm

_r = orm.referrals
_COLUMNS: tuple[ColumnElement[Any], ...] = (
    _r.c.id,
    _r.c.receipt_number,
    _r.c.reporter_key_id,
    _r.c.reporter_sealed,
    _r.c.body_id,
)


class ReporterRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def sealed(self, referral_id: UUID) -> Row[Any] | None:
        """Not scoped to an agency: only the audited unsealing call of staff uses it."""
        query = select(*_COLUMNS).where(_r.c.id == referral_id)
        return (await self.session.execute(query)).first()
