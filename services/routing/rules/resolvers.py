"""Resolvers find bodies from the clue and the registry; each says why when it finds none.

A resolver returns only usable bodies: active, and not among those that returned the clue.
Finding nothing, only unusable bodies, or more than one where one is needed is a `Resolution`
with `why` set, never a guess.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from services.routing.registry import Unit
from services.routing.registry.bodies import (
    LEVEL_NAMES,
    Body,
    Seat,
    commission_seat,
    is_division_code,
    seat_above,
)
from services.routing.registry.model import LEVEL_ORDER
from services.routing.rules.schema import Resolver
from services.routing.rules.scope import Scope, SubjectView
from shared.codes import DISPLAY_NAMES, BodyKind, Level


@dataclass(frozen=True)
class Resolution:
    bodies: tuple[Body, ...] = ()
    why: str | None = None  # set when nothing usable was found
    note: str | None = None  # how it was found, when that is worth telling
    project: str | None = None
    zone: str | None = None


def _missing(why: str) -> Resolution:
    return Resolution(why=why)


def one_active(scope: Scope, candidates: Sequence[Body], where: str) -> Resolution:
    active = [b for b in candidates if scope.usable(b)]
    if not candidates:
        return _missing(f"未登记{where}")
    if not active:
        names = "、".join(b.name for b in candidates)
        return _missing(f"{where}（{names}）{scope.unusable_state(list(candidates))}")
    if len(active) > 1:
        return _missing(f"登记了多个{where}（{'、'.join(b.code for b in active)}）")
    return Resolution((active[0],))


def _commission_at(scope: Scope, seat: Seat) -> Resolution:
    found = scope.registry.at_seat(BodyKind.DISCIPLINE_COMMISSION, seat.level, seat.region)
    return one_active(scope, found, f"{seat.region}的{LEVEL_NAMES[seat.level]}纪委监委")


def _subject_seat(scope: Scope) -> Seat | Resolution:
    first = scope.first
    if first is None:
        return _missing("线索未列被反映人")
    if not is_division_code(scope.clue.region):
        return _missing(f"属地代码“{scope.clue.region}”不是6位行政区划代码")
    return commission_seat(first.subject.managing_level, scope.clue.region)


def commission_at_managing_level(scope: Scope) -> Resolution:
    seat = _subject_seat(scope)
    return seat if isinstance(seat, Resolution) else _commission_at(scope, seat)


def commission_one_level_up(scope: Scope) -> Resolution:
    seat = _subject_seat(scope)
    if isinstance(seat, Resolution):
        return seat
    assert scope.first is not None
    if scope.first.subject.managing_level == Level.TOWNSHIP:
        return _commission_at(scope, seat)  # a township's level above is its county
    above = seat_above(seat)
    if above is None:
        return _missing("上一级机关不在本系统登记范围")
    return _commission_at(scope, above)


def _unit_of(first: SubjectView | None) -> Unit | Resolution:
    if first is None:
        return _missing("线索未列被反映人")
    if first.unit is None:
        return _missing(f"被反映人所在单位“{first.subject.unit}”未在单位名录登记")
    return first.unit


def _group_of(scope: Scope) -> Body | Resolution:
    unit = _unit_of(scope.first)
    if isinstance(unit, Resolution):
        return unit
    group = scope.registry.body(unit.dispatched_group_id)
    if group is None:
        return _missing(f"{unit.name}未登记派驻纪检监察组")
    return group


def dispatched_group_of_unit(scope: Scope) -> Resolution:
    group = _group_of(scope)
    if isinstance(group, Resolution):
        return group
    assert scope.first is not None
    level = scope.first.subject.managing_level
    if not scope.usable(group):
        return _missing(f"{group.name}{scope.unusable_state([group])}")
    if LEVEL_ORDER[level] > LEVEL_ORDER[group.level]:
        return _missing(f"被反映人系{LEVEL_NAMES[level]}管理干部，超出{group.name}的监督权限")
    return Resolution((group,))


def commission_sending_unit_group(scope: Scope) -> Resolution:
    group = _group_of(scope)
    if isinstance(group, Resolution):
        return group
    parent = scope.registry.body(group.parent_id)
    if parent is None:
        return _missing(f"未登记{group.name}的派出机关")
    return one_active(scope, [parent], f"{group.name}的派出机关")


def township_commission_of_unit(scope: Scope) -> Resolution:
    unit = _unit_of(scope.first)
    if isinstance(unit, Resolution):
        return unit
    body = scope.registry.body(unit.township_commission_id)
    if body is None:
        return _missing(f"{unit.name}不属乡镇纪委监督的单位")
    return one_active(scope, [body], f"{unit.name}所在乡镇纪委")


def zone_coordinator(scope: Scope) -> Resolution:
    lead = scope.lead
    if lead is None:
        return _missing("尚未确定主办机关")
    zone = scope.registry.zones.get(lead.zone or "")
    if zone is None or not zone.active:
        return _missing(f"{lead.name}未加入在用的联动协作区")
    coordinator = scope.registry.body(zone.coordinator_id)
    if coordinator is None:
        return _missing(f"{zone.name}未登记统筹机关")
    found = one_active(scope, [coordinator], f"{zone.name}的统筹机关")
    return Resolution(found.bodies, found.why, zone=zone.name)


def project_supervisor(scope: Scope) -> Resolution:
    """Every active body with a running registered project on a subject's unit and topic."""
    clue = scope.clue
    bodies: dict[object, Body] = {}
    names: list[str] = []
    for view in scope.subjects:
        for project in scope.registry.projects_on(view.unit.credit_code if view.unit else ""):
            body = scope.registry.body(project.body_id)
            usable = project.running_on(clue.received_on) and project.touches(clue.topics)
            if usable and body is not None and scope.usable(body) and project.name not in names:
                bodies.setdefault(body.id, body)
                names.append(project.name)
    if not bodies:
        return _missing("未发现涉及被反映人所在单位及问题领域的在办监督项目")
    return Resolution(tuple(bodies.values()), project="、".join(names))


def _of_region(kind: BodyKind, *, walk_up: bool) -> Callable[[Scope], Resolution]:
    def resolve(scope: Scope) -> Resolution:
        seat: Seat | Resolution | None = _subject_seat(scope)
        if isinstance(seat, Resolution):
            return seat
        first_why = None
        while seat is not None:
            found = scope.registry.at_seat(kind, seat.level, seat.region)
            where = f"{seat.region}的{LEVEL_NAMES[seat.level]}{DISPLAY_NAMES[kind]}"
            result = one_active(scope, found, where)
            if result.why is None:
                note = f"{first_why}，由上级机关协同" if first_why else None
                return Resolution(result.bodies, note=note)
            if not walk_up or len([b for b in found if scope.usable(b)]) > 1:
                return result
            first_why = first_why or result.why
            seat = seat_above(seat)
        return _missing(first_why or f"未登记{DISPLAY_NAMES[kind]}")

    return resolve


def inspection_office_of_region(scope: Scope) -> Resolution:
    """The office of the committee that manages the unit's leaders, which is who inspects it."""
    first = scope.first
    if first is None or first.unit is None:
        return _of_region(BodyKind.INSPECTION_OFFICE, walk_up=False)(scope)
    seat = commission_seat(first.unit.leaders_level, first.unit.region)
    found = scope.registry.at_seat(BodyKind.INSPECTION_OFFICE, seat.level, seat.region)
    return one_active(scope, found, f"{seat.region}的{LEVEL_NAMES[seat.level]}巡察机构")


RESOLVERS: dict[Resolver, Callable[[Scope], Resolution]] = {
    Resolver.COMMISSION_AT_MANAGING_LEVEL: commission_at_managing_level,
    Resolver.COMMISSION_ONE_LEVEL_UP: commission_one_level_up,
    Resolver.DISPATCHED_GROUP_OF_UNIT: dispatched_group_of_unit,
    Resolver.COMMISSION_SENDING_UNIT_GROUP: commission_sending_unit_group,
    Resolver.TOWNSHIP_COMMISSION_OF_UNIT: township_commission_of_unit,
    Resolver.ZONE_COORDINATOR: zone_coordinator,
    Resolver.PROJECT_SUPERVISOR: project_supervisor,
    Resolver.AUDIT_BUREAU_OF_REGION: _of_region(BodyKind.AUDIT_BUREAU, walk_up=True),
    Resolver.FINANCE_SUPERVISION_OF_REGION: _of_region(BodyKind.FINANCE_SUPERVISION, walk_up=True),
    Resolver.INSPECTION_OFFICE_OF_REGION: inspection_office_of_region,
}
