"""The registry written out in the form of a registry file, so it can be edited and loaded back."""

from typing import Any
from uuid import UUID

from services.routing.registry.bodies import Body
from services.routing.registry.model import Project, Unit, Zone, body_id
from services.routing.registry.snapshot import RegistrySnapshot


def export_registry(registry: RegistrySnapshot) -> dict[str, Any]:
    code = {b.id: b.code for b in registry.bodies.values()}
    return {
        "bodies": [_body(b, code) for b in sorted(registry.bodies.values(), key=_depth(registry))],
        "zones": [_zone(z, code) for z in sorted(registry.zones.values(), key=lambda z: z.code)],
        "units": [
            _unit(u, code) for u in sorted(registry.units.values(), key=lambda u: u.credit_code)
        ],
        "projects": [
            _project(p, code) for p in sorted(registry.projects.values(), key=lambda p: p.code)
        ],
    }


def _depth(registry: RegistrySnapshot) -> Any:
    def key(body: Body) -> tuple[int, str]:
        depth, seen, parent = 0, {body.id}, body.parent_id
        while parent is not None and parent not in seen and parent in registry.bodies:
            seen.add(parent)
            depth, parent = depth + 1, registry.bodies[parent].parent_id
        return depth, body.code

    return key


def _ref(code: dict[UUID, str], found: UUID | None) -> str | None:
    return None if found is None else code.get(found)


def _body(body: Body, code: dict[UUID, str]) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "code": body.code,
        "name": body.name,
        "kind": str(body.kind),
        "level": str(body.level),
        "region": body.region,
        "parent": _ref(code, body.parent_id),
        "zone": body.zone,
        "active": body.active,
    }
    if body.id != body_id(body.code):
        entry["id"] = str(body.id)
    return entry


def _zone(zone: Zone, code: dict[UUID, str]) -> dict[str, Any]:
    return {
        "code": zone.code,
        "name": zone.name,
        "region": zone.region,
        "coordinator": _ref(code, zone.coordinator_id),
        "active": zone.active,
    }


def _unit(unit: Unit, code: dict[UUID, str]) -> dict[str, Any]:
    return {
        "credit_code": unit.credit_code,
        "name": unit.name,
        "region": unit.region,
        "leaders_level": str(unit.leaders_level),
        "dispatched_group": _ref(code, unit.dispatched_group_id),
        "township_commission": _ref(code, unit.township_commission_id),
        "aliases": list(unit.aliases),
        "active": unit.active,
    }


def _project(project: Project, code: dict[UUID, str]) -> dict[str, Any]:
    return {
        "code": project.code,
        "name": project.name,
        "body": _ref(code, project.body_id),
        "units": list(project.unit_codes),
        "topics": sorted(str(t) for t in project.topics),
        "period": {
            "from": project.starts_on.isoformat(),
            "to": None if project.ends_on is None else project.ends_on.isoformat(),
        },
        "status": str(project.status),
    }
