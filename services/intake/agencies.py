"""Agency registry use cases shared by the admin API, the CLI and the demo seed.

Every function runs inside the caller's transaction; the admin actions write their audit
record in that same transaction, so an action and its record stand or fall together.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID, uuid4

from sqlalchemy import Row, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from services.intake import audit, orm
from services.intake.identifiers import uscc_valid
from shared.auth import hash_secret, new_api_key
from shared.clock import utcnow
from shared.problems import Conflict, NotFound, Unprocessable


class AgencyNotFound(NotFound):
    slug, title = "agency-not-found", "No such agency"


class DuplicateAgency(Conflict):
    slug, title = "agency-exists", "An agency with this credit code exists"


@dataclass(frozen=True)
class IssuedKey:
    agency_id: UUID
    key_id: str
    api_key: str


@dataclass(frozen=True)
class KeyInfo:
    key_id: str
    label: str
    created_at: datetime
    revoked_at: datetime | None


@dataclass(frozen=True)
class AgencyInfo:
    id: UUID
    credit_code: str
    name: str
    kind: str
    active: bool
    require_signature: bool
    created_at: datetime
    keys: tuple[KeyInfo, ...] = ()


@dataclass(frozen=True)
class Credential:
    """What authenticating one API key needs; kept briefly in the app's KeyCache."""

    agency_id: UUID
    agency_name: str
    key_hash: str
    require_signature: bool = False
    signing_key_id: str | None = None
    signing_secret: bytes | None = None
    # The end of a rotated key's grace period: a cached credential stops then too.
    expires_at: datetime | None = None

    def usable(self, now: datetime) -> bool:
        return self.expires_at is None or now < self.expires_at


def target(agency_id: UUID) -> str:
    return f"agency:{agency_id}"


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


async def create_agency(
    session: AsyncSession, *, actor: str, credit_code: str, name: str, kind: str
) -> AgencyInfo:
    if not uscc_valid(credit_code):
        raise Unprocessable(
            "credit_code: not a valid unified social credit code (GB 32100)",
            errors=[{"field": "credit_code", "message": "invalid check character or format"}],
        )
    a = orm.agencies
    taken = await session.execute(select(a.c.id).where(a.c.credit_code == credit_code))
    if taken.first() is not None:
        raise DuplicateAgency(f"credit code {credit_code} is already registered")
    agency_id = await ensure_agency(session, credit_code=credit_code, name=name, kind=kind)
    detail = {"credit_code": credit_code, "name": name, "kind": kind}
    await audit.record(
        session, actor=actor, action="agency.create", target=target(agency_id), detail=detail
    )
    return await get_agency(session, agency_id)


async def get_agency(session: AsyncSession, agency_id: UUID) -> AgencyInfo:
    found = await _agencies(session, orm.agencies.c.id == agency_id)
    if not found:
        raise AgencyNotFound(f"no agency {agency_id}")
    return found[0]


async def list_agencies(session: AsyncSession) -> list[AgencyInfo]:
    return await _agencies(session, None)


async def find_agency_id(session: AsyncSession, reference: str) -> UUID:
    """An agency by id or by credit code, as people type them on the command line."""
    a = orm.agencies
    try:
        condition = a.c.id == UUID(reference)
    except ValueError:
        condition = a.c.credit_code == reference.strip().upper()
    found = (await session.execute(select(a.c.id).where(condition))).scalar_one_or_none()
    if found is None:
        raise AgencyNotFound(f"no agency {reference}")
    return UUID(str(found))


async def set_active(
    session: AsyncSession, *, actor: str, agency_id: UUID, active: bool
) -> AgencyInfo:
    await get_agency(session, agency_id)
    a = orm.agencies
    await session.execute(update(a).where(a.c.id == agency_id).values(active=active))
    action = "agency.enable" if active else "agency.disable"
    await audit.record(session, actor=actor, action=action, target=target(agency_id))
    return await get_agency(session, agency_id)


async def active_credential(session: AsyncSession, key_id: str) -> Credential | None:
    a, k = orm.agencies, orm.api_keys
    row = (
        await session.execute(
            select(
                k.c.agency_id,
                a.c.name,
                k.c.key_hash,
                a.c.require_signature,
                a.c.signing_key_id,
                a.c.signing_secret,
                k.c.revoked_at,
            )
            .join(a, a.c.id == k.c.agency_id)
            .where(
                k.c.key_id == key_id,
                a.c.active.is_(True),
                or_(k.c.revoked_at.is_(None), k.c.revoked_at > utcnow()),
            )
        )
    ).first()
    if row is None:
        return None
    return Credential(
        row.agency_id,
        row.name,
        row.key_hash,
        row.require_signature,
        row.signing_key_id,
        row.signing_secret,
        row.revoked_at,
    )


async def _agencies(session: AsyncSession, condition: Any) -> list[AgencyInfo]:
    a, k = orm.agencies, orm.api_keys
    query = select(a).order_by(a.c.created_at, a.c.id)
    if condition is not None:
        query = query.where(condition)
    rows = (await session.execute(query)).all()
    keys: dict[UUID, list[KeyInfo]] = {row.id: [] for row in rows}
    if keys:
        key_rows = await session.execute(
            select(k).where(k.c.agency_id.in_(list(keys))).order_by(k.c.created_at, k.c.key_id)
        )
        for key_row in key_rows:
            keys[key_row.agency_id].append(key_info(key_row))
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


def key_info(row: Row[Any]) -> KeyInfo:
    return KeyInfo(row.key_id, row.label, row.created_at, row.revoked_at)
