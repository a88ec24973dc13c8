"""Every query of the agency registry: agencies, their API keys, signing secrets, nonces."""

from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import Row, delete, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from services.intake import orm
from services.intake.agencies.domain import AgencyInfo, Credential, KeyInfo
from shared.db import insert_ignoring_duplicates

_a, _k, _n = orm.agencies, orm.api_keys, orm.request_nonces


class AgencyRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def id_by_credit_code(self, credit_code: str) -> UUID | None:
        query = select(_a.c.id).where(_a.c.credit_code == credit_code)
        found = (await self.session.execute(query)).scalar_one_or_none()
        return None if found is None else UUID(str(found))

    async def find_id(self, reference: str) -> UUID | None:
        """An agency by id or by credit code, as people type them on the command line."""
        try:
            condition = _a.c.id == UUID(reference)
        except ValueError:
            condition = _a.c.credit_code == reference.strip().upper()
        found = (await self.session.execute(select(_a.c.id).where(condition))).scalar_one_or_none()
        return None if found is None else UUID(str(found))

    async def add(
        self, *, agency_id: UUID, credit_code: str, name: str, kind: str, now: datetime
    ) -> None:
        await self.session.execute(
            insert(_a).values(
                id=agency_id,
                credit_code=credit_code,
                name=name,
                kind=kind,
                active=True,
                created_at=now,
            )
        )

    async def one(self, agency_id: UUID) -> AgencyInfo | None:
        found = await self._infos(_a.c.id == agency_id)
        return found[0] if found else None

    async def all(self) -> list[AgencyInfo]:
        return await self._infos(None)

    async def set_active(self, agency_id: UUID, active: bool) -> None:
        await self.session.execute(update(_a).where(_a.c.id == agency_id).values(active=active))

    async def credential(self, key_id: str, now: datetime) -> Credential | None:
        query = (
            select(
                _k.c.agency_id,
                _a.c.name,
                _k.c.key_hash,
                _a.c.require_signature,
                _a.c.signing_key_id,
                _a.c.signing_secret,
                _k.c.revoked_at,
                _a.c.kind,
            )
            .join(_a, _a.c.id == _k.c.agency_id)
            .where(
                _k.c.key_id == key_id,
                _a.c.active.is_(True),
                or_(_k.c.revoked_at.is_(None), _k.c.revoked_at > now),
            )
        )
        row = (await self.session.execute(query)).first()
        return None if row is None else Credential(*row)

    async def add_key(
        self, *, agency_id: UUID, key_id: str, key_hash: str, label: str, now: datetime
    ) -> None:
        await self.session.execute(
            insert(_k).values(
                key_id=key_id, agency_id=agency_id, key_hash=key_hash, label=label, created_at=now
            )
        )

    async def key(self, *, agency_id: UUID, key_id: str) -> KeyInfo | None:
        query = select(_k).where(_k.c.key_id == key_id, _k.c.agency_id == agency_id)
        row = (await self.session.execute(query)).first()
        return None if row is None else _key_info(row)

    async def set_key_revoked(self, key_id: str, at: datetime) -> None:
        await self.session.execute(update(_k).where(_k.c.key_id == key_id).values(revoked_at=at))

    async def revoke_keys(self, agency_id: UUID, *, label: str | None, now: datetime) -> None:
        query = update(_k).where(_k.c.agency_id == agency_id, _k.c.revoked_at.is_(None))
        if label is not None:
            query = query.where(_k.c.label == label)
        await self.session.execute(query.values(revoked_at=now))

    async def sealed_signing_secret(self, agency_id: UUID) -> bytes | None:
        query = select(_a.c.signing_secret).where(_a.c.id == agency_id)
        sealed: bytes | None = (await self.session.execute(query)).scalar_one()
        return sealed

    async def set_signing_secret(self, agency_id: UUID, sealed: tuple[str, bytes]) -> None:
        key_id, secret = sealed
        await self.session.execute(
            update(_a)
            .where(_a.c.id == agency_id)
            .values(signing_key_id=key_id, signing_secret=secret)
        )

    async def set_require_signature(self, agency_id: UUID, required: bool) -> None:
        await self.session.execute(
            update(_a).where(_a.c.id == agency_id).values(require_signature=required)
        )

    async def remember_nonce(
        self, *, agency_id: UUID, nonce: str, expires_at: datetime, now: datetime
    ) -> bool:
        """True the first time; the agency's expired entries are pruned on the way."""
        await self.session.execute(
            delete(_n).where(_n.c.agency_id == agency_id, _n.c.expires_at < now)
        )
        values = {"agency_id": agency_id, "nonce": nonce, "expires_at": expires_at}
        return await insert_ignoring_duplicates(self.session, _n, values)

    async def _infos(self, condition: Any) -> list[AgencyInfo]:
        query = select(_a).order_by(_a.c.created_at, _a.c.id)
        if condition is not None:
            query = query.where(condition)
        rows = (await self.session.execute(query)).all()
        keys: dict[UUID, list[KeyInfo]] = {row.id: [] for row in rows}
        if keys:
            key_rows = await self.session.execute(
                select(_k)
                .where(_k.c.agency_id.in_(list(keys)))
                .order_by(_k.c.created_at, _k.c.key_id)
            )
            for key_row in key_rows:
                keys[key_row.agency_id].append(_key_info(key_row))
        return [
            AgencyInfo(
                id=row.id,
                credit_code=row.credit_code,
                name=row.name,
                kind=row.kind,
                active=row.active,
                require_signature=row.require_signature,
                created_at=row.created_at,
                keys=tuple(keys[row.id]),
            )
            for row in rows
        ]


def _key_info(row: Row[Any]) -> KeyInfo:
    return KeyInfo(row.key_id, row.label, row.created_at, row.revoked_at)
