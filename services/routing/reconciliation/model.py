"""The values of a reconciliation: classes of difference, a discrepancy, a repair asked for.

Pure: no database, no HTTP."""

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any
from uuid import UUID


class Kind(StrEnum):
    MISSING_DOWNSTREAM = "missing_downstream"
    ORPHAN = "orphan"
    DUPLICATE = "duplicate"
    STATE_MISMATCH = "state_mismatch"
    HANDOFF_UNACKNOWLEDGED = "handoff_unacknowledged"
    FEEDBACK_UNDELIVERED = "feedback_undelivered"
    DEAD_LETTERED = "dead_lettered"


KIND_NAMES = {
    Kind.MISSING_DOWNSTREAM: "下游缺失",
    Kind.ORPHAN: "无上游记录",
    Kind.DUPLICATE: "重复交办",
    Kind.STATE_MISMATCH: "状态不一致",
    Kind.HANDOFF_UNACKNOWLEDGED: "移送未按期签收",
    Kind.FEEDBACK_UNDELIVERED: "反馈未送达",
    Kind.DEAD_LETTERED: "死信未重放",
}


class RepairStatus(StrEnum):
    NONE = "none"  # reported only: an orphan, a duplicate, an overdue handoff
    REQUESTED = "requested"  # the owner re-published; the next run verifies
    FAILED = "failed"  # the owner could not (no retained row, refused, set aside)
    VERIFIED = "verified"  # the next run found the difference gone
    NOT_VERIFIED = "not_verified"  # the next run found it still there


@dataclass(frozen=True)
class Repair:
    """What the owning service is asked to put on the wire again."""

    owner: str
    topic: str
    mode: str = "republish"  # or "reissue": the same payload under a new event id
    match: dict[str, str] = field(default_factory=dict)
    event_id: str | None = None


@dataclass(frozen=True)
class Discrepancy:
    kind: Kind
    detail: str  # the case within the class, e.g. not_routed, not_assigned
    clue_id: UUID | None
    receipt_number: str | None
    note: str  # for the office, in Chinese
    body_ids: tuple[UUID, ...] = ()
    region: str | None = None
    facts: dict[str, Any] = field(default_factory=dict)  # ids, states, stages: no personal data
    repair: Repair | None = None

    @property
    def key(self) -> tuple[str, str, str]:
        """The same difference in another run."""
        return self.kind.value, self.detail, str(self.clue_id)


@dataclass
class Counts:
    found: int = 0
    repair_requested: int = 0
    repair_failed: int = 0

    def as_json(self) -> dict[str, int]:
        return {
            "found": self.found,
            "repair_requested": self.repair_requested,
            "repair_failed": self.repair_failed,
        }
