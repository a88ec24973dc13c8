"""The referral as intake sees it: its status for the sender, and how status reports combine."""

from dataclasses import dataclass, field
from datetime import datetime
from uuid import UUID

from shared.codes import ClueStatus, Outcome

# How far along the lifecycle a status is; breaks ties between reports stamped the same instant.
_RANK = {
    ClueStatus.RECEIVED: 0,
    ClueStatus.PENDING_REVIEW: 1,
    ClueStatus.ROUTED: 1,
    ClueStatus.ASSIGNED: 2,
    ClueStatus.ACCEPTED: 3,
    ClueStatus.IN_DISPOSITION: 4,
    ClueStatus.TRANSFERRED: 5,
    ClueStatus.CONCLUDED: 6,
    ClueStatus.RETURNED_TO_SENDER: 6,
}


class IntakeError(Exception):
    """Base of intake's domain errors."""


class IdempotencyMismatch(IntakeError):
    """The Idempotency-Key was used before with a different request body."""


class IdempotencyInFlight(IntakeError):
    """The first request with this Idempotency-Key is still being processed."""


class ContentRejected(IntakeError):
    """Uploaded attachment content that is not what the referral declared; nothing is kept."""

    def __init__(self, detail: str, *, status: int = 422, field: str = "body") -> None:
        super().__init__(detail)
        self.detail, self.status, self.field = detail, status, field


@dataclass(frozen=True)
class StatusReport:
    status: ClueStatus
    occurred_at: datetime
    body_id: UUID | None = None
    body_name: str | None = None
    note: str | None = None
    outcome: Outcome | None = None
    outcome_summary: str | None = None


@dataclass
class ReferralStatus:
    """Current status of one referral. Reports come from routing and casework independently,
    so they can arrive out of order: the latest occurrence wins, not the latest arrival."""

    status: ClueStatus
    status_at: datetime
    body_id: UUID | None = None
    body_name: str | None = None
    outcome: Outcome | None = None
    outcome_summary: str | None = None
    applied: list[StatusReport] = field(default_factory=list)

    def apply(self, report: StatusReport) -> bool:
        """Records the report; returns True when it became the current status."""
        self.applied.append(report)
        if report.outcome is not None:
            self.outcome, self.outcome_summary = report.outcome, report.outcome_summary
        newer = (report.occurred_at, _RANK[report.status]) > (self.status_at, _RANK[self.status])
        if not newer:
            return False
        self.status, self.status_at = report.status, report.occurred_at
        if report.body_id is not None:
            # A report that names the same body without its name keeps the name we know.
            known = self.body_name if report.body_id == self.body_id else None
            self.body_id, self.body_name = report.body_id, report.body_name or known
        return True
