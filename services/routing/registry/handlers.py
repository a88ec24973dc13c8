"""Registry use cases: load a document (API or CLI, idempotent, every change audited), read."""

from dataclasses import asdict
from datetime import datetime
from typing import Any

from services.routing.audit import AuditEntry
from services.routing.errors import UnknownBody
from services.routing.registry.bodies import Body
from services.routing.registry.commands import GetBody, ListBodies, LoadRegistry
from services.routing.registry.diff import Change, RegistryPlan, plan_registry_load
from services.routing.registry.snapshot import RegistrySnapshot
from services.routing.unit_of_work import RoutingUnitOfWork


async def load_registry(
    uow: RoutingUnitOfWork, command: LoadRegistry, *, now: datetime
) -> RegistryPlan:
    """What the document changes; applied (and audited) unless a dry run. A second load of the
    same document changes nothing and reports nothing."""
    async with uow:
        plan = plan_registry_load(command.source, await uow.registry.snapshot())
        if command.dry_run or not plan.changes:
            return plan
        await uow.registry.apply(plan, now=now)
        await uow.audit.append(*(_audited(c, command.actor, now) for c in plan.changes))
        await uow.commit()
        return plan


async def current_registry(uow: RoutingUnitOfWork) -> RegistrySnapshot:
    async with uow:
        return await uow.registry.snapshot()


async def list_bodies(uow: RoutingUnitOfWork, query: ListBodies) -> list[Body]:
    async with uow:
        return await uow.registry.list_bodies(
            kind=query.kind, level=query.level, region=query.region
        )


async def get_body(uow: RoutingUnitOfWork, query: GetBody) -> Body:
    async with uow:
        body = await uow.registry.get_body(query.body_id)
    if body is None:
        raise UnknownBody(f"no body {query.body_id}")
    return body


def change_json(change: Change) -> dict[str, Any]:
    return {
        "entity": change.entity,
        "key": change.key,
        "action": change.action.value,
        "fields": [
            {"name": f.name, "old": _plain(f.old), "new": _plain(f.new)} for f in change.fields
        ],
    }


def _audited(change: Change, actor: str, now: datetime) -> AuditEntry:
    action = f"registry.{change.entity}.{change.action.value}"
    return AuditEntry(now, actor, action, change.entity, change.key, change_json(change))


def _plain(value: Any) -> Any:
    """A field's value as JSON: ids and dates as text, collections as sorted lists."""
    if isinstance(value, frozenset | set):
        return sorted(_plain(v) for v in value)
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if hasattr(value, "__dataclass_fields__"):
        return {k: _plain(v) for k, v in asdict(value).items()}
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)
