"""The registry as one immutable value with the indexes resolvers need: every lookup is a dict."""

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from uuid import UUID

from services.routing.registry.bodies import Body
from services.routing.registry.model import Project, Unit, Zone, normalise_unit_name
from shared.codes import BodyKind, Level

SeatKey = tuple[BodyKind, Level, str]


@dataclass(frozen=True)
class RegistrySnapshot:
    bodies: Mapping[UUID, Body]
    units: Mapping[str, Unit]
    zones: Mapping[str, Zone]
    projects: Mapping[str, Project]
    _by_code: dict[str, Body] = field(init=False, repr=False, compare=False)
    _by_seat: dict[SeatKey, tuple[Body, ...]] = field(init=False, repr=False, compare=False)
    _unit_names: dict[str, tuple[Unit, ...]] = field(init=False, repr=False, compare=False)
    _projects_by_unit: dict[str, tuple[Project, ...]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        seats: defaultdict[SeatKey, list[Body]] = defaultdict(list)
        for body in self.bodies.values():
            seats[(body.kind, body.level, body.region)].append(body)
        names: defaultdict[str, list[Unit]] = defaultdict(list)
        for unit in self.units.values():
            if unit.active:
                for name in {normalise_unit_name(n) for n in (unit.name, *unit.aliases)}:
                    names[name].append(unit)
        by_unit: defaultdict[str, list[Project]] = defaultdict(list)
        for project in self.projects.values():
            for code in project.unit_codes:
                by_unit[code].append(project)
        object.__setattr__(self, "_by_code", {b.code: b for b in self.bodies.values()})
        object.__setattr__(self, "_by_seat", {k: tuple(v) for k, v in seats.items()})
        object.__setattr__(self, "_unit_names", {k: tuple(v) for k, v in names.items()})
        object.__setattr__(self, "_projects_by_unit", {k: tuple(v) for k, v in by_unit.items()})

    @classmethod
    def of(
        cls,
        bodies: Iterable[Body],
        units: Iterable[Unit] = (),
        zones: Iterable[Zone] = (),
        projects: Iterable[Project] = (),
    ) -> "RegistrySnapshot":
        return cls(
            bodies={b.id: b for b in bodies},
            units={u.credit_code: u for u in units},
            zones={z.code: z for z in zones},
            projects={p.code: p for p in projects},
        )

    def body(self, body_id: UUID | None) -> Body | None:
        return None if body_id is None else self.bodies.get(body_id)

    def body_by_code(self, code: str) -> Body | None:
        return self._by_code.get(code)

    def at_seat(self, kind: BodyKind, level: Level, region: str) -> tuple[Body, ...]:
        """Every body of that kind seated there, active or not, so a refusal can say which."""
        return self._by_seat.get((kind, level, region), ())

    def unit_for(self, *, credit_code: str | None, name: str) -> Unit | None:
        """By credit code when the clue has one, else by normalised name if only one unit has it."""
        if credit_code:
            unit = self.units.get(credit_code)
            return unit if unit is not None and unit.active else None
        found = self._unit_names.get(normalise_unit_name(name), ())
        return found[0] if len(found) == 1 else None

    def projects_on(self, credit_code: str) -> tuple[Project, ...]:
        return self._projects_by_unit.get(credit_code, ())
