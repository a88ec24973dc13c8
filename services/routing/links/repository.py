"""Every query of subject keys: stored with each new clue, matched against earlier clues."""

from collections.abc import Sequence
from typing import Any
from uuid import UUID

from sqlalchemy import and_, false, insert, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.routing.links.domain import Match, SubjectKey
from services.routing.orm import clues, subject_keys
from shared.events.contracts import LinkBasis

_K = subject_keys.c


class LinkRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add_keys(self, clue_id: UUID, keys: Sequence[SubjectKey]) -> None:
        if keys:
            rows = [
                {"clue_id": clue_id, "position": k.position, "id_hash": k.id_hash,
                 "name_unit": k.name_unit}
                for k in keys
            ]  # fmt: skip
            await self._session.execute(insert(subject_keys), rows)

    async def matches(self, keys: Sequence[SubjectKey], *, besides: UUID) -> list[Match]:
        """Other clues with a subject these keys name (see links.domain for the rule)."""
        by_hash = [k.id_hash for k in keys if k.id_hash]
        with_hash = [k.name_unit for k in keys if k.id_hash]
        without_hash = [k.name_unit for k in keys if not k.id_hash]
        basis_hash = _K.id_hash.in_(by_hash) if by_hash else false()
        basis_name = or_(
            and_(_K.name_unit.in_(with_hash), _K.id_hash.is_(None)) if with_hash else false(),
            _K.name_unit.in_(without_hash) if without_hash else false(),
        )
        query = (
            select(_K.clue_id, _K.id_hash, clues.c.concluded_at, clues.c.received_at)
            .join(clues, clues.c.clue_id == _K.clue_id)
            .where(_K.clue_id != besides, or_(basis_hash, basis_name))
        )
        rows = (await self._session.execute(query)).all()
        return [_match(r, by_hash) for r in rows]

    async def keys_of(self, clue_id: UUID) -> list[SubjectKey]:
        query = select(subject_keys).where(_K.clue_id == clue_id).order_by(_K.position)
        rows = (await self._session.execute(query)).all()
        return [SubjectKey(r.position, r.id_hash, r.name_unit) for r in rows]


def _match(row: Any, hashes: list[str]) -> Match:
    basis = LinkBasis.ID_HASH if row.id_hash and row.id_hash in hashes else LinkBasis.NAME_UNIT
    return Match(row.clue_id, basis, row.concluded_at is not None, row.received_at)
