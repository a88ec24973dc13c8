"""Clocks as JSON: every field kept, so a clock read back equals the one written."""

from datetime import date, datetime
from typing import Any

from services.casework.domain import Clock, ClockKind, Deadline, Months, WorkingDays
from services.casework.domain.clocks import Extension, Limit

Json = dict[str, Any]


def clock_json(c: Clock) -> Json:
    return {
        "key": c.key,
        "kind": c.kind.value,
        "started_at": c.started_at.isoformat(),
        "basis_at": c.basis_at.isoformat(),
        "basis": [_limit_json(limit) for limit in c.basis],
        "deadline": _deadline_json(c.deadline),
        "stopped_at": _instant_json(c.stopped_at),
        "paused_at": _instant_json(c.paused_at),
        "remaining_days": c.remaining_days,
        "extensions": [_extension_json(e) for e in c.extensions],
        "overdue_reported": c.overdue_reported,
    }


def clock_of(j: Json) -> Clock:
    return Clock(
        key=j["key"],
        kind=ClockKind(j["kind"]),
        started_at=datetime.fromisoformat(j["started_at"]),
        basis_at=datetime.fromisoformat(j["basis_at"]),
        basis=tuple(_limit_of(limit) for limit in j["basis"]),
        deadline=_deadline_of(j["deadline"]),
        stopped_at=instant_of(j.get("stopped_at")),
        paused_at=instant_of(j.get("paused_at")),
        remaining_days=j.get("remaining_days"),
        extensions=tuple(_extension_of(e) for e in j.get("extensions", ())),
        overdue_reported=bool(j.get("overdue_reported", False)),
    )


def instant_of(value: str | None) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value)


def _instant_json(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _limit_json(limit: Limit) -> Json:
    if isinstance(limit, WorkingDays):
        return {"working_days": limit.days}
    return {"months": limit.months}


def _limit_of(j: Json) -> Limit:
    return WorkingDays(j["working_days"]) if "working_days" in j else Months(j["months"])


def _deadline_json(d: Deadline) -> Json:
    return {
        "due_on": d.due_on.isoformat(),
        "due_at": d.due_at.isoformat(),
        "provisional": d.provisional,
        "depends_on": list(d.depends_on),
    }


def _deadline_of(j: Json) -> Deadline:
    return Deadline(
        due_on=date.fromisoformat(j["due_on"]),
        due_at=datetime.fromisoformat(j["due_at"]),
        provisional=bool(j["provisional"]),
        depends_on=tuple(j["depends_on"]),
    )


def _extension_json(e: Extension) -> Json:
    return {
        "at": e.at.isoformat(),
        "reason": e.reason,
        "approved_by": e.approved_by,
        "step": _limit_json(e.step),
        "due_at": e.due_at.isoformat(),
    }


def _extension_of(j: Json) -> Extension:
    return Extension(
        at=datetime.fromisoformat(j["at"]),
        reason=j["reason"],
        approved_by=j["approved_by"],
        step=_limit_of(j["step"]),
        due_at=datetime.fromisoformat(j["due_at"]),
    )
