"""The columns derived from an assignment, for inbox filters, statistics and the scheduled check."""

from datetime import UTC, datetime
from typing import Any

from services.casework.domain import Assignment, AssignmentState
from shared.codes import Outcome
from shared.workdays import CHINA, end_of

# Sorting by due date puts assignments with no deadline last; the API shows this as null.
NO_DUE = datetime(2100, 1, 1, tzinfo=UTC)
# 澄清了结 and 予以了结 end the matter with no violation found (DOMAIN.md, outcomes).
ENDED_WITHOUT_VIOLATION = frozenset(
    {AssignmentState.CLARIFIED_CLOSED, AssignmentState.CLOSED_NO_ACTION}
)
ENDS_THE_MATTER = ENDED_WITHOUT_VIOLATION | {AssignmentState.CONCLUDED}


def deadlines(a: Assignment) -> list[tuple[datetime, bool]]:
    """Every deadline still running: (when it runs out, whether that was already reported)."""
    found = [(c.deadline.due_at, c.overdue_reported) for c in a.clocks if c.running]
    if a.state is AssignmentState.RECTIFICATION:
        found += [
            (end_of(i.due_on), i.overdue_reported)
            for i in a.rectification_items
            if i.completed_at is None
        ]
    return found


def effective_outcome(a: Assignment) -> Outcome | None:
    if a.outcome is not None:
        return a.outcome
    return Outcome.NO_VIOLATION if a.state in ENDED_WITHOUT_VIOLATION else None


def month_of(at: datetime) -> str:
    return at.astimezone(CHINA).strftime("%Y-%m")


def derived_columns(a: Assignment) -> dict[str, Any]:
    running = deadlines(a)
    unreported = [due for due, reported in running if not reported]
    escalated = [due for due, reported in running if reported]
    outcome = effective_outcome(a)
    return {
        "next_due_at": min((due for due, _ in running), default=NO_DUE),
        "alarm_at": min(unreported, default=None),
        "escalated_at": min(escalated, default=None),
        "provisional": any(c.running and c.deadline.provisional for c in a.clocks),
        "disposition": a.disposition.value if a.disposition else None,
        "outcome": outcome.value if outcome else None,
        "received_month": month_of(a.assigned_at),
        "handed_off_to": a.handed_off_to,
    }
