"""The registry of bodies, units, collaboration zones and supervision projects (pure)."""

from services.routing.registry.bodies import LEVEL_NAMES, Body, Seat
from services.routing.registry.diff import (
    EMPTY,
    Action,
    Change,
    FieldChange,
    RegistryPlan,
    diff_registries,
    parse_registry,
    plan_registry_load,
)
from services.routing.registry.model import (
    Project,
    ProjectStatus,
    Unit,
    Zone,
    body_id,
    normalise_unit_name,
)
from services.routing.registry.snapshot import RegistrySnapshot

__all__ = [
    "EMPTY",
    "LEVEL_NAMES",
    "Action",
    "Body",
    "Change",
    "FieldChange",
    "Project",
    "ProjectStatus",
    "RegistryPlan",
    "RegistrySnapshot",
    "Seat",
    "Unit",
    "Zone",
    "body_id",
    "diff_registries",
    "normalise_unit_name",
    "parse_registry",
    "plan_registry_load",
]
