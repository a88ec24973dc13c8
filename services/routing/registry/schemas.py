"""HTTP models of the registry: bodies as staff read them, and what a load changed."""

from typing import Any
from uuid import UUID

from pydantic import BaseModel, ConfigDict

from services.routing.registry.bodies import Body
from services.routing.registry.diff import RegistryPlan
from services.routing.registry.handlers import change_json
from shared.codes import BodyKind, Level

REGISTRY_EXAMPLE = """\
bodies:
  - {code: jz-cdi, name: 江州市纪委监委, kind: discipline_commission, level: city, region: "365000"}
"""


class BodyOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "90d203d2-09aa-51f1-ada7-7388e91c87e2",
                    "code": "jz-cdi",
                    "name": "江州市纪委监委",
                    "kind": "discipline_commission",
                    "level": "city",
                    "region": "365000",
                    "parent_id": "db9ba875-0d67-5969-a9cf-09d018b78f20",
                    "active": True,
                    "zone": None,
                }
            ]
        }
    )

    id: UUID
    code: str
    name: str
    kind: BodyKind
    level: Level
    region: str
    parent_id: UUID | None
    active: bool
    zone: str | None = None

    @classmethod
    def of(cls, body: Body) -> "BodyOut":
        return cls(**{name: getattr(body, name) for name in cls.model_fields})


class BodyList(BaseModel):
    items: list[BodyOut]


class FieldChangeOut(BaseModel):
    name: str
    old: Any
    new: Any


class ChangeOut(BaseModel):
    entity: str
    key: str
    action: str
    fields: list[FieldChangeOut]


class RegistryLoadOut(BaseModel):
    applied: bool  # False for a dry run, and when nothing changed
    dry_run: bool
    changes: list[ChangeOut]

    @classmethod
    def of(cls, plan: RegistryPlan, *, dry_run: bool) -> "RegistryLoadOut":
        changes = [ChangeOut.model_validate(change_json(c)) for c in plan.changes]
        return cls(applied=bool(changes) and not dry_run, dry_run=dry_run, changes=changes)
