"""What routing knows of the organisations around a clue: units, zones and supervision projects.

Bodies are `services.routing.registry.bodies.Body`. Everything here is plain data; no I/O.
"""

import unicodedata
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from uuid import NAMESPACE_URL, UUID, uuid5

from shared.codes import Level, Topic

LEVEL_ORDER = {Level.TOWNSHIP: 0, Level.COUNTY: 1, Level.CITY: 2, Level.PROVINCE: 3}


def body_id(code: str) -> UUID:
    """Ids derive from codes, so every service, test and seed agrees on them without a lookup."""
    return uuid5(NAMESPACE_URL, "guantong:body:" + code)


def normalise_unit_name(name: str) -> str:
    """Full-width forms and spacing differ between agencies' systems; the name does not."""
    return "".join(unicodedata.normalize("NFKC", name).split())


class ProjectStatus(StrEnum):
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    CLOSED = "closed"


@dataclass(frozen=True)
class Unit:
    """An organisation whose staff may be subjects (驻在单位, 乡镇政府, 国有企业 ...)."""

    credit_code: str
    name: str
    region: str
    leaders_level: Level  # whose cadres the unit's leaders are (干部管理权限)
    dispatched_group_id: UUID | None = None  # the 派驻纪检监察组 stationed in it
    township_commission_id: UUID | None = None  # the 乡镇纪委 over a township organisation
    aliases: tuple[str, ...] = ()
    active: bool = True


@dataclass(frozen=True)
class Zone:
    """联动协作区: bodies grouped to supervise together under one coordinating body."""

    code: str
    name: str
    region: str
    coordinator_id: UUID | None = None
    active: bool = True


@dataclass(frozen=True)
class Project:
    """监督项目报备: a body's registered supervision of some units on some topics for a period."""

    code: str
    name: str
    body_id: UUID
    unit_codes: tuple[str, ...]
    topics: frozenset[Topic]
    starts_on: date
    ends_on: date | None
    status: ProjectStatus

    def running_on(self, day: date) -> bool:
        if self.status is ProjectStatus.CLOSED or day < self.starts_on:
            return False
        return self.ends_on is None or day <= self.ends_on

    def touches(self, topics: frozenset[Topic]) -> bool:
        """A project without topics supervises the unit as a whole."""
        return not self.topics or bool(self.topics & topics)
