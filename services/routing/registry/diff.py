"""What a registry file changes, so the loader can report it and a second load changes nothing."""

from collections.abc import Mapping
from dataclasses import dataclass, fields
from enum import StrEnum
from typing import Any

from services.routing.registry.build import build_registry
from services.routing.registry.document import RegistryFile
from services.routing.registry.model import ProjectStatus
from services.routing.registry.snapshot import RegistrySnapshot
from services.routing.yamldoc import read_yaml, validate_model

EMPTY = RegistrySnapshot.of(())


class Action(StrEnum):
    ADDED = "added"
    CHANGED = "changed"
    DEACTIVATED = "deactivated"


@dataclass(frozen=True)
class FieldChange:
    name: str
    old: Any
    new: Any


@dataclass(frozen=True)
class Change:
    entity: str  # body, zone, unit, project
    key: str  # the code (credit code for units)
    action: Action
    fields: tuple[FieldChange, ...] = ()


@dataclass(frozen=True)
class RegistryPlan:
    """The registry after loading the file, and every change from the current one, in order."""

    snapshot: RegistrySnapshot
    changes: tuple[Change, ...]


def parse_registry(text: str) -> RegistryFile:
    """The file's structure only; `plan_registry_load` also checks its references."""
    return validate_model(RegistryFile, read_yaml(text))


def plan_registry_load(text: str, current: RegistrySnapshot = EMPTY) -> RegistryPlan:
    source = read_yaml(text)
    after = build_registry(source, validate_model(RegistryFile, source), current)
    return RegistryPlan(after, diff_registries(current, after))


def diff_registries(before: RegistrySnapshot, after: RegistrySnapshot) -> tuple[Change, ...]:
    bodies_before = {b.code: b for b in before.bodies.values()}
    bodies_after = {b.code: b for b in after.bodies.values()}
    return (
        *_diff("body", bodies_before, bodies_after),
        *_diff("zone", before.zones, after.zones),
        *_diff("unit", before.units, after.units),
        *_diff("project", before.projects, after.projects),
    )


def _diff(entity: str, before: Mapping[str, Any], after: Mapping[str, Any]) -> list[Change]:
    changes = []
    for key in sorted(after):
        new = after[key]
        old = before.get(key)
        if old is None:
            changes.append(Change(entity, key, Action.ADDED))
            continue
        changed = tuple(
            FieldChange(f.name, getattr(old, f.name), getattr(new, f.name))
            for f in fields(new)
            if getattr(old, f.name) != getattr(new, f.name)
        )
        if changed:
            action = Action.DEACTIVATED if _switched_off(old, new) else Action.CHANGED
            changes.append(Change(entity, key, action, changed))
    return changes


def _switched_off(old: Any, new: Any) -> bool:
    if hasattr(new, "active"):
        return bool(old.active) and not new.active
    return old.status is not ProjectStatus.CLOSED and new.status is ProjectStatus.CLOSED
