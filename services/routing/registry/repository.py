"""Every query of the registry: the snapshot the rules read, the lists staff read, the loads."""

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import Row, Table, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from services.routing.orm import bodies, projects, routing_state, units, zones
from services.routing.registry.bodies import Body
from services.routing.registry.diff import RegistryPlan
from services.routing.registry.model import Project, ProjectStatus, Unit, Zone
from services.routing.registry.snapshot import RegistrySnapshot
from shared.codes import BodyKind, Level, Topic


class RegistryRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def snapshot(self) -> RegistrySnapshot:
        """The whole registry, inactive entries too (old decisions still name them)."""
        found = [await self._rows(t) for t in (bodies, units, zones, projects)]
        return RegistrySnapshot.of(
            (_body(r) for r in found[0]),
            (_unit(r) for r in found[1]),
            (_zone(r) for r in found[2]),
            (_project(r) for r in found[3]),
        )

    async def _rows(self, table: Table) -> Sequence[Row[Any]]:
        return (await self._session.execute(select(table))).all()

    async def list_bodies(
        self,
        *,
        kind: BodyKind | None = None,
        level: Level | None = None,
        region: str | None = None,
        include_inactive: bool = False,
    ) -> list[Body]:
        query = select(bodies).order_by(bodies.c.region, bodies.c.code)
        if kind is not None:
            query = query.where(bodies.c.kind == kind)
        if level is not None:
            query = query.where(bodies.c.level == level)
        if region is not None:
            query = query.where(bodies.c.region == region)
        if not include_inactive:
            query = query.where(bodies.c.active)
        return [_body(r) for r in (await self._session.execute(query)).all()]

    async def get_body(self, body_id: UUID) -> Body | None:
        row = (await self._session.execute(select(bodies).where(bodies.c.id == body_id))).first()
        return _body(row) if row else None

    async def apply(self, plan: RegistryPlan, *, now: datetime) -> None:
        """Writes what the plan changes and moves the generation, so every cache reloads."""
        if not plan.changes:
            return
        after = plan.snapshot
        changed = {(c.entity, c.key) for c in plan.changes}
        by_code = {b.code: b for b in after.bodies.values()}
        wanted = [by_code[k] for e, k in changed if e == "body"]
        await self._upsert(bodies, [_body_row(b) for b in _parents_first(wanted)], "id")
        await self._upsert(zones, [_zone_row(after.zones[k]) for e, k in changed if e == "zone"])
        await self._upsert(units, [_unit_row(after.units[k]) for e, k in changed if e == "unit"])
        rows = [_project_row(after.projects[k]) for e, k in changed if e == "project"]
        await self._upsert(projects, rows)
        await self._session.execute(
            update(routing_state)
            .where(routing_state.c.id == 1)
            .values(registry_generation=uuid.uuid4(), changed_at=now)
        )

    async def _upsert(self, table: Table, rows: list[dict[str, Any]], key: str = "") -> None:
        if not rows:
            return
        dialect = self._session.get_bind().dialect.name
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        keys = [key] if key else [c.name for c in table.primary_key.columns]
        statement = insert(table).values(rows)
        updated = {c: statement.excluded[c] for c in rows[0] if c not in keys}
        await self._session.execute(
            statement.on_conflict_do_update(index_elements=keys, set_=updated)
        )


def _parents_first(items: list[Body]) -> list[Body]:
    """A parent's row before its children's, so every insert's foreign key already resolves."""
    pending = {b.id: b for b in items}
    ordered: list[Body] = []
    while pending:
        ready = [b for b in pending.values() if b.parent_id not in pending]
        ready = ready or list(pending.values())
        for body in sorted(ready, key=lambda b: b.code):
            ordered.append(pending.pop(body.id))
    return ordered


def _body(row: Row[Any]) -> Body:
    return Body(
        id=row.id,
        code=row.code,
        name=row.name,
        kind=BodyKind(row.kind),
        level=Level(row.level),
        region=row.region,
        parent_id=row.parent_id,
        active=row.active,
        zone=row.zone,
    )


def _body_row(body: Body) -> dict[str, Any]:
    values = {n: getattr(body, n) for n in ("id", "code", "name", "region", "parent_id")}
    return values | {
        "kind": str(body.kind),
        "level": str(body.level),
        "active": body.active,
        "zone": body.zone,
    }


def _unit(row: Row[Any]) -> Unit:
    return Unit(
        credit_code=row.credit_code,
        name=row.name,
        region=row.region,
        leaders_level=Level(row.leaders_level),
        dispatched_group_id=row.dispatched_group_id,
        township_commission_id=row.township_commission_id,
        aliases=tuple(row.aliases),
        active=row.active,
    )


def _unit_row(unit: Unit) -> dict[str, Any]:
    names = ("credit_code", "name", "region", "dispatched_group_id", "township_commission_id")
    values = {n: getattr(unit, n) for n in names}
    return values | {
        "leaders_level": str(unit.leaders_level),
        "aliases": list(unit.aliases),
        "active": unit.active,
    }


def _zone(row: Row[Any]) -> Zone:
    return Zone(row.code, row.name, row.region, row.coordinator_id, row.active)


def _zone_row(zone: Zone) -> dict[str, Any]:
    names = ("code", "name", "region", "coordinator_id", "active")
    return {n: getattr(zone, n) for n in names}


def _project(row: Row[Any]) -> Project:
    return Project(
        code=row.code,
        name=row.name,
        body_id=row.body_id,
        unit_codes=tuple(row.unit_codes),
        topics=frozenset(Topic(t) for t in row.topics),
        starts_on=row.starts_on,
        ends_on=row.ends_on,
        status=ProjectStatus(row.status),
    )


def _project_row(project: Project) -> dict[str, Any]:
    values = {n: getattr(project, n) for n in ("code", "name", "body_id", "starts_on", "ends_on")}
    return values | {
        "unit_codes": list(project.unit_codes),
        "topics": sorted(str(t) for t in project.topics),
        "status": str(project.status),
    }
