"""From a registry file to the registry it asks for: references resolved and checked, with lines.

References (parent, zone, coordinator, dispatched group, project body and units) resolve against
the file's own sections and, for sections the file leaves out, against the current registry.
"""

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TypeVar
from uuid import UUID

from services.routing.errors import DocumentInvalid, Problem
from services.routing.registry.bodies import Body
from services.routing.registry.document import (
    BodyEntry,
    ProjectEntry,
    RegistryFile,
    UnitEntry,
    ZoneEntry,
)
from services.routing.registry.model import (
    LEVEL_ORDER,
    Project,
    ProjectStatus,
    Unit,
    Zone,
    body_id,
    normalise_unit_name,
)
from services.routing.registry.snapshot import RegistrySnapshot
from services.routing.yamldoc import Path, SourceDocument
from shared.codes import BodyKind, Level
from shared.credit_code import credit_code_valid

T = TypeVar("T")
K = TypeVar("K")

# How many leading digits of a division code name a seat at each level (GB/T 2260).
_SEAT_DIGITS = {Level.PROVINCE: 2, Level.CITY: 4, Level.COUNTY: 6, Level.TOWNSHIP: 6}


@dataclass
class _Builder:
    source: SourceDocument
    file: RegistryFile
    current: RegistrySnapshot

    def __post_init__(self) -> None:
        self.problems: list[Problem] = []
        self.codes: dict[str, Body] = {}

    def fail(self, path: Path, message: str) -> None:
        self.problems.append(self.source.problem(path, message))

    def bodies(self) -> dict[str, Body]:
        """Every body by code: the file's section if present, else the current registry."""
        if self.file.bodies is None:
            self.codes = {b.code: b for b in self.current.bodies.values()}
            return self.codes
        unique = self._unique(self.file.bodies, "bodies", lambda e: e.code, "body code")
        built = {e.code: _body(e) for _, e in unique}
        ids = {b.id: b.code for b in built.values()}
        if len(ids) < len(built):
            self.fail(("bodies",), "two bodies share one id")
        kept = _deactivate(self.current.bodies.values(), lambda b: b.code, built, _off)
        self.codes = {**kept, **built}
        for i, entry in unique:
            self._check_body(entry, ("bodies", i))
        return self.codes

    def _check_body(self, entry: BodyEntry, path: Path) -> None:
        if not _seat_shaped(entry.level, entry.region):
            self.fail((*path, "region"), f"{entry.region} is not a {entry.level} division code")
        if entry.parent is not None:
            self._check_parent(entry, path)
        zones = self._zone_codes()
        if entry.zone is not None and entry.zone not in zones:
            self.fail((*path, "zone"), f"no collaboration zone {entry.zone!r}")

    def _check_parent(self, entry: BodyEntry, path: Path) -> None:
        parent = self.codes.get(entry.parent or "")
        where = (*path, "parent")
        if parent is None:
            self.fail(where, f"no body {entry.parent!r}")
        elif parent.kind not in (BodyKind.DISCIPLINE_COMMISSION, entry.kind):
            self.fail(
                where,
                f"{entry.parent!r} is a {parent.kind}: neither a commission nor a {entry.kind}",
            )
        elif entry.kind == BodyKind.DISPATCHED_GROUP and (
            parent.level != entry.level or parent.kind != BodyKind.DISCIPLINE_COMMISSION
        ):
            self.fail(where, "a dispatched group reports to the commission of its own level")
        elif entry.kind != BodyKind.DISPATCHED_GROUP and not _above(parent.level, entry.level):
            self.fail(where, f"{entry.parent!r} is not above the {entry.level} level")
        elif not _inside(entry.region, parent):
            self.fail(where, f"{entry.region} is not inside {parent.region}")

    def _zone_codes(self) -> set[str]:
        if self.file.zones is None:
            return set(self.current.zones)
        return {z.code for z in self.file.zones} | set(self.current.zones)

    def zones(self) -> dict[str, Zone]:
        if self.file.zones is None:
            return dict(self.current.zones)
        unique = self._unique(self.file.zones, "zones", lambda e: e.code, "zone code")
        built = {e.code: self._zone(e, ("zones", i)) for i, e in unique}
        return {**_deactivate(self.current.zones.values(), lambda z: z.code, built, _off), **built}

    def _zone(self, entry: ZoneEntry, path: Path) -> Zone:
        coordinator = self._ref(entry.coordinator, (*path, "coordinator"), None)
        return Zone(entry.code, entry.name, entry.region, coordinator, entry.active)

    def units(self) -> dict[str, Unit]:
        if self.file.units is None:
            return dict(self.current.units)
        unique = self._unique(self.file.units, "units", lambda e: e.credit_code, "credit code")
        self._unique(
            [n for e in self.file.units for n in (e.name, *e.aliases)],
            "units",
            normalise_unit_name,
            "unit name",
        )
        built = {e.credit_code: self._unit(e, ("units", i)) for i, e in unique}
        kept = _deactivate(self.current.units.values(), lambda u: u.credit_code, built, _off)
        return {**kept, **built}

    def _unit(self, entry: UnitEntry, path: Path) -> Unit:
        if not credit_code_valid(entry.credit_code):
            self.fail((*path, "credit_code"), "the check character is wrong (GB 32100)")
        group = (*path, "dispatched_group")
        township = (*path, "township_commission")
        return Unit(
            credit_code=entry.credit_code,
            name=entry.name,
            region=entry.region,
            leaders_level=entry.leaders_level,
            dispatched_group_id=self._ref(entry.dispatched_group, group, BodyKind.DISPATCHED_GROUP),
            township_commission_id=self._township(entry.township_commission, township),
            aliases=tuple(entry.aliases),
            active=entry.active,
        )

    def _township(self, code: str | None, path: Path) -> UUID | None:
        found = self._ref(code, path, BodyKind.DISCIPLINE_COMMISSION)
        body = self.codes.get(code or "")
        if body is not None and body.level != Level.TOWNSHIP:
            self.fail(path, f"{code!r} is not a township commission")
        return found

    def projects(self, units: Mapping[str, Unit]) -> dict[str, Project]:
        if self.file.projects is None:
            return dict(self.current.projects)
        unique = self._unique(self.file.projects, "projects", lambda e: e.code, "project code")
        built = {e.code: self._project(e, ("projects", i), units) for i, e in unique}
        kept = _deactivate(self.current.projects.values(), lambda p: p.code, built, _closed)
        return {**kept, **built}

    def _project(self, entry: ProjectEntry, path: Path, units: Mapping[str, Unit]) -> Project:
        for i, code in enumerate(entry.units):
            if code not in units:
                self.fail((*path, "units", i), f"no unit with credit code {code}")
        owner = self._ref(entry.body, (*path, "body"), None)
        return Project(
            code=entry.code,
            name=entry.name,
            body_id=owner if owner is not None else body_id(entry.body),
            unit_codes=tuple(entry.units),
            topics=frozenset(entry.topics),
            starts_on=entry.period.from_,
            ends_on=entry.period.to,
            status=entry.status,
        )

    def _ref(self, code: str | None, path: Path, kind: BodyKind | None) -> UUID | None:
        if code is None:
            return None
        body = self.codes.get(code)
        if body is None:
            self.fail(path, f"no body {code!r}")
            return None
        if kind is not None and body.kind != kind:
            self.fail(path, f"{code!r} is a {body.kind}, not a {kind}")
        return body.id

    def _unique(
        self, entries: Sequence[T], section: str, key: Callable[[T], K], what: str
    ) -> list[tuple[int, T]]:
        seen: set[K] = set()
        kept: list[tuple[int, T]] = []
        for i, entry in enumerate(entries):
            k = key(entry)
            if k in seen:
                self.fail((section, i), f"duplicate {what} {k!r}")
            else:
                seen.add(k)
                kept.append((i, entry))
        return kept


def _body(entry: BodyEntry) -> Body:
    return Body(
        id=entry.id or body_id(entry.code),
        code=entry.code,
        name=entry.name,
        kind=entry.kind,
        level=entry.level,
        region=entry.region,
        parent_id=body_id(entry.parent) if entry.parent else None,
        active=entry.active,
        zone=entry.zone,
    )


def _seat_shaped(level: Level, region: str) -> bool:
    if level == Level.PROVINCE:
        return region[2:] == "0000"
    if level == Level.CITY:
        return region[4:] == "00" and region[2:4] != "00"
    return region[4:] != "00"


def _inside(region: str, parent: Body) -> bool:
    digits = _SEAT_DIGITS[parent.level]
    return region[:digits] == parent.region[:digits]


def _above(upper: Level, lower: Level) -> bool:
    return LEVEL_ORDER[upper] > LEVEL_ORDER[lower]


def _off(item: T) -> T:
    return replace(item, active=False)  # type: ignore[type-var]


def _closed(item: Project) -> Project:
    return replace(item, status=ProjectStatus.CLOSED)


def _deactivate(
    current: Iterable[T],
    key: Callable[[T], str],
    listed: Mapping[str, object],
    off: Callable[[T], T],
) -> dict[str, T]:
    """What the file's section leaves out stays known, switched off, so old decisions still read."""
    return {key(item): off(item) for item in current if key(item) not in listed}


def build_registry(
    source: SourceDocument, file: RegistryFile, current: RegistrySnapshot
) -> RegistrySnapshot:
    """The registry the file asks for, or every problem with its line."""
    builder = _Builder(source, file, current)
    bodies = builder.bodies()
    zones = builder.zones()
    units = builder.units()
    projects = builder.projects(units)
    if builder.problems:
        raise DocumentInvalid(builder.problems)
    return RegistrySnapshot.of(bodies.values(), units.values(), zones.values(), projects.values())
