"""Writes audit entries and reads them back; nothing here updates or deletes (triggers refuse)."""

from typing import Any

from sqlalchemy import Row, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.routing.audit.domain import AuditEntry
from services.routing.orm import routing_audit


class AuditLog:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def append(self, *entries: AuditEntry) -> None:
        if not entries:
            return
        rows = [
            {
                "at": e.at,
                "actor": e.actor[:200],
                "action": e.action,
                "entity": e.entity,
                "entity_key": e.entity_key[:200],
                "detail": e.detail,
            }
            for e in entries
        ]
        await self._session.execute(insert(routing_audit), rows)

    async def entries(
        self, *, entity: str | None, entity_key: str | None, after: int | None, limit: int
    ) -> list[AuditEntry]:
        """Oldest first; `limit + 1` are read so the caller knows whether there is more."""
        a = routing_audit.c
        query = select(routing_audit).order_by(a.id).limit(limit + 1)
        if entity is not None:
            query = query.where(a.entity == entity)
        if entity_key is not None:
            query = query.where(a.entity_key == entity_key)
        if after is not None:
            query = query.where(a.id > after)
        return [_entry(r) for r in (await self._session.execute(query)).all()]


def _entry(row: Row[Any]) -> AuditEntry:
    return AuditEntry(
        at=row.at,
        actor=row.actor,
        action=row.action,
        entity=row.entity,
        entity_key=row.entity_key,
        detail=dict(row.detail),
        id=row.id,
    )
