"""Supervision bodies and the seats of discipline commissions (GB/T 2260). Pure: no I/O."""

from dataclasses import dataclass
from uuid import UUID

from shared.codes import BodyKind, Level

LEVEL_NAMES = {
    Level.PROVINCE: "省级",
    Level.CITY: "市级",
    Level.COUNTY: "县级",
    Level.TOWNSHIP: "乡镇级",
}


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
