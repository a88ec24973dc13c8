"""The YAML form of registry files (bodies, zones, units, projects) and its structural checks.

A file lists whole sections: a section present in the file is the full desired state of that
section (what is missing from it is deactivated); a section left out is not touched.
"""

from datetime import date
from typing import Annotated, Any
from uuid import UUID

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from services.routing.registry.model import ProjectStatus
from shared import limits
from shared.codes import BodyKind, Level, Topic


def _division_code(value: Any) -> Any:
    # PyYAML reads an unquoted 365021 as an int; division codes never start with 0, so it is safe.
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


Code = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]{0,63}$")]
Region = Annotated[str, BeforeValidator(_division_code), Field(pattern=r"^[1-9][0-9]{5}$")]
CreditCode = Annotated[str, Field(pattern=r"^[0-9A-HJ-NPQRTUWXY]{18}$")]
Name = Annotated[str, Field(min_length=1, max_length=200)]
# Bodies' names travel in events (limits.BODY_NAME_MAX), so they are held to that length.
BodyName = Annotated[str, Field(min_length=1, max_length=limits.BODY_NAME_MAX)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class BodyEntry(_Strict):
    code: Code
    name: BodyName
    kind: BodyKind
    level: Level
    region: Region
    id: UUID | None = Field(None, description="defaults to uuid5 of the code")
    parent: Code | None = Field(None, description="code of the commission it reports to")
    zone: Code | None = Field(None, description="code of its collaboration zone (联动协作区)")
    active: bool = True


class ZoneEntry(_Strict):
    code: Code
    name: Name
    region: Region
    coordinator: Code | None = Field(None, description="code of the coordinating body")
    active: bool = True


class UnitEntry(_Strict):
    credit_code: CreditCode
    name: Name
    region: Region
    leaders_level: Level = Field(description="whose cadres the unit's leaders are")
    dispatched_group: Code | None = Field(None, description="the group stationed in the unit")
    township_commission: Code | None = Field(None, description="for township organisations")
    aliases: list[Name] = []
    active: bool = True


class Period(_Strict):
    from_: date = Field(alias="from")
    to: date | None = None

    @model_validator(mode="after")
    def _ordered(self) -> "Period":
        if self.to is not None and self.to < self.from_:
            raise ValueError("the period ends before it starts")
        return self


class ProjectEntry(_Strict):
    code: Code
    name: Name
    body: Code
    units: list[CreditCode] = Field(min_length=1)
    topics: list[Topic] = []
    period: Period
    status: ProjectStatus = ProjectStatus.IN_PROGRESS


class RegistryFile(_Strict):
    """A registry file; every section is optional and, when present, complete."""

    bodies: list[BodyEntry] | None = None
    zones: list[ZoneEntry] | None = None
    units: list[UnitEntry] | None = None
    projects: list[ProjectEntry] | None = None
