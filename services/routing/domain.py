"""Bodies, their jurisdiction, and the rule that picks who handles a clue. Pure: no I/O."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any, Protocol
from uuid import UUID

from shared.codes import BodyKind, Level

RULE_JURISDICTION = "jurisdiction"
RULE_SAME_LEVEL_LEADER = "jurisdiction+same_level_leader"

LEVEL_NAMES = {
    Level.PROVINCE: "省级",
    Level.CITY: "市级",
    Level.COUNTY: "县级",
    Level.TOWNSHIP: "乡镇级",
}


class RoutingError(Exception):
    """What routing refuses; api.py maps each kind to problem+json in one place."""


class UnknownBody(RoutingError):
    pass


class UnknownDecision(RoutingError):
    pass


class RoutingStatus(StrEnum):
    ROUTED = "routed"
    PENDING_REVIEW = "pending_review"


@dataclass(frozen=True)
class Body:
    id: UUID
    code: str
    name: str
    kind: BodyKind
    level: Level
    region: str
    parent_id: UUID | None = None
    active: bool = True
    zone: str | None = None  # the code of its collaboration zone (联动协作区), if any


@dataclass(frozen=True)
class Seat:
    """Where a discipline commission sits: its level and the division code it covers."""

    level: Level
    region: str


class Subject(Protocol):
    """What the rule reads of a subject; the ClueReceived contract's snapshot satisfies it."""

    @property
    def managing_level(self) -> Level: ...

    @property
    def same_level_committee_leader(self) -> bool: ...


@dataclass(frozen=True)
class Decision:
    status: RoutingStatus
    rule: str
    reason: str
    lead: Body | None = None
    co_bodies: tuple[Body, ...] = ()


@dataclass(frozen=True)
class RoutingDecision:
    """The ledger row for one clue: the decision plus enough of the clue to review it."""

    id: UUID
    clue_id: UUID
    receipt_number: str
    status: RoutingStatus
    lead_body_id: UUID | None
    co_body_ids: tuple[UUID, ...]
    rule: str
    reason: str
    decided_at: datetime
    category: str
    channel: str
    summary: str
    region: str
    agency_id: UUID
    agency_name: str
    subjects: tuple[dict[str, Any], ...]


def is_division_code(region: str) -> bool:
    return len(region) == 6 and region.isascii() and region.isdigit()


def commission_seat(level: Level, region: str) -> Seat:
    """GB/T 2260: digits 1-2 are the province, 3-4 the city, 5-6 the county."""
    if level == Level.PROVINCE:
        return Seat(Level.PROVINCE, region[:2] + "0000")
    if level == Level.CITY:
        return Seat(Level.CITY, region[:4] + "00")
    # A six-digit code stops at the county, whose commission manages township cadres.
    return Seat(Level.COUNTY, region)


def seat_above(seat: Seat) -> Seat | None:
    if seat.level == Level.COUNTY:
        return commission_seat(Level.CITY, seat.region)
    if seat.level == Level.CITY:
        return commission_seat(Level.PROVINCE, seat.region)
    return None  # above a province is the central commission, not in this registry


def seats_to_look_up(region: str, subjects: Sequence[Subject]) -> list[Seat]:
    """The seats `decide` may need, so the caller can load just those commissions."""
    if not subjects or not is_division_code(region):
        return []
    lead = commission_seat(subjects[0].managing_level, region)
    above = seat_above(lead) if _reports_up(subjects) else None
    return [lead] if above is None else [lead, above]


def _reports_up(subjects: Sequence[Subject]) -> bool:
    """Rules Art 22 asks for the level above the subject's own; for township cadres that is the
    county commission, which already leads."""
    if subjects[0].managing_level == Level.TOWNSHIP:
        return False
    return any(s.same_level_committee_leader for s in subjects)


def decide(region: str, subjects: Sequence[Subject], commissions: Sequence[Body]) -> Decision:
    """Lead: the discipline commission at the first subject's managing level and region.

    Rules Art 22: when a subject leads the same-level party committee, the commission one level
    up is added as co-body. Anything the rule cannot place goes to manual review with a reason.
    """
    if not subjects:
        return _review("线索未列被反映人，无法按干部管理权限确定主办机关")
    if not is_division_code(region):
        return _review(f"属地代码“{region}”不是6位行政区划代码")
    level = subjects[0].managing_level
    seat = commission_seat(level, region)
    lead = _only_commission_at(seat, commissions)
    if isinstance(lead, str):
        return _review(lead)
    reason = f"第一被反映人系{LEVEL_NAMES[level]}管理干部，属地{region}：由{lead.name}主办"
    if not _reports_up(subjects):
        return Decision(RoutingStatus.ROUTED, RULE_JURISDICTION, reason, lead)
    return _with_level_above(seat, lead, reason, commissions)


def _with_level_above(seat: Seat, lead: Body, reason: str, commissions: Sequence[Body]) -> Decision:
    art22 = "被反映人系同级党委领导班子成员，依《监督执纪工作规则》第二十二条须同时报上一级纪委监委"
    above = seat_above(seat)
    if above is None:
        return _review(f"{reason}；{art22}，上一级机关不在本系统登记范围", RULE_SAME_LEVEL_LEADER)
    upper = _only_commission_at(above, commissions)
    if isinstance(upper, str):
        return _review(f"{reason}；{art22}，但{upper}", RULE_SAME_LEVEL_LEADER)
    reason = f"{reason}；{art22}，{upper.name}协办"
    return Decision(RoutingStatus.ROUTED, RULE_SAME_LEVEL_LEADER, reason, lead, (upper,))


def _only_commission_at(seat: Seat, commissions: Sequence[Body]) -> Body | str:
    """The one active commission at the seat, or why there is not exactly one."""
    found = [
        b
        for b in commissions
        if b.active
        and b.kind == BodyKind.DISCIPLINE_COMMISSION
        and b.level == seat.level
        and b.region == seat.region
    ]
    where = f"{seat.region}的{LEVEL_NAMES[seat.level]}纪委监委"
    if not found:
        return f"未登记{where}"
    if len(found) > 1:
        return f"登记了多个{where}（{'、'.join(b.code for b in found)}）"
    return found[0]


def _review(reason: str, rule: str = RULE_JURISDICTION) -> Decision:
    return Decision(RoutingStatus.PENDING_REVIEW, rule, reason)
