"""Every query of rule set versions and of the routing state row that names the active one."""

from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import Row, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from services.routing.orm import routing_state, rule_sets
from services.routing.rules.in_force import RoutingState
from services.routing.rules.versions import StoredRuleSet

_STATE = routing_state.c


class RuleSetRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def state(self) -> RoutingState:
        query = select(_STATE.active_rule_set_id, _STATE.registry_generation).where(_STATE.id == 1)
        row = (await self._session.execute(query)).one()
        return RoutingState(row.active_rule_set_id, row.registry_generation)

    async def add(self, stored: StoredRuleSet) -> None:
        values = {
            "id": stored.id,
            "version": stored.version,
            "digest": stored.digest,
            "source": stored.source,
            "description": stored.description,
            "uploaded_at": stored.uploaded_at,
            "uploaded_by": stored.uploaded_by,
            "activated_at": None,
        }
        await self._session.execute(insert(rule_sets).values(values))

    async def by_version(self, version: str) -> StoredRuleSet | None:
        row = (
            await self._session.execute(_with_active().where(rule_sets.c.version == version))
        ).first()
        return _stored(row) if row else None

    async def versions(self) -> list[StoredRuleSet]:
        query = _with_active().order_by(rule_sets.c.uploaded_at, rule_sets.c.version)
        return [_stored(r) for r in (await self._session.execute(query)).all()]

    async def rule_set_text(self, rule_set_id: UUID) -> str:
        query = select(rule_sets.c.source).where(rule_sets.c.id == rule_set_id)
        return str((await self._session.execute(query)).scalar_one())

    async def activate(self, rule_set_id: UUID, *, now: datetime) -> None:
        await self._session.execute(
            update(rule_sets).where(rule_sets.c.id == rule_set_id).values(activated_at=now)
        )
        await self._session.execute(
            update(routing_state)
            .where(_STATE.id == 1)
            .values(active_rule_set_id=rule_set_id, changed_at=now)
        )


def _with_active() -> Any:
    active = (_STATE.active_rule_set_id == rule_sets.c.id).label("active")
    return select(rule_sets, active).join(routing_state, _STATE.id == 1)


def _stored(row: Row[Any]) -> StoredRuleSet:
    return StoredRuleSet(
        id=row.id,
        version=row.version,
        digest=row.digest,
        source=row.source,
        description=row.description,
        uploaded_at=row.uploaded_at,
        uploaded_by=row.uploaded_by,
        activated_at=row.activated_at,
        active=bool(row.active),
    )
