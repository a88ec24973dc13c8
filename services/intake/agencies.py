"""Agency registry use cases shared by the admin API, the CLI and the demo seed."""

from dataclasses import dataclass
from uuid import UUID, uuid4

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from services.intake import orm
from shared.auth import hash_secret, new_api_key
from shared.clock import utcnow


@dataclass(frozen=True)
class IssuedKey:
    agency_id: UUID
    key_id: str
    api_key: str


async def ensure_agency(
    session: AsyncSession, *, credit_code: str, name: str, kind: str, agency_id: UUID | None = None
) -> UUID:
    a = orm.agencies
    existing = (
        await session.execute(select(a.c.id).where(a.c.credit_code == credit_code))
    ).scalar_one_or_none()
    if existing is not None:
        return UUID(str(existing))
    new_id = agency_id or uuid4()
    await session.execute(
        insert(a).values(
            id=new_id,
            credit_code=credit_code,
            name=name,
            kind=kind,
            active=True,
            created_at=utcnow(),
        )
    )
    return new_id


async def issue_key(session: AsyncSession, agency_id: UUID, *, label: str = "") -> IssuedKey:
    key_id, plaintext = new_api_key()
    await session.execute(
        insert(orm.api_keys).values(
            key_id=key_id,
            agency_id=agency_id,
            key_hash=hash_secret(plaintext),
            label=label,
            created_at=utcnow(),
        )
    )
    return IssuedKey(agency_id=agency_id, key_id=key_id, api_key=plaintext)


async def revoke_keys(session: AsyncSession, agency_id: UUID, *, label: str | None = None) -> None:
    k = orm.api_keys
    query = update(k).where(k.c.agency_id == agency_id, k.c.revoked_at.is_(None))
    if label is not None:
        query = query.where(k.c.label == label)
    await session.execute(query.values(revoked_at=utcnow()))
