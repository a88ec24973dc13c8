"""A referral's status for its sender, and how status reports and conclusions fold into it.

Pure: reports come from routing and casework in any order; nothing here touches a database."""

from dataclasses import dataclass, field
from datetime import datetime
from uuid import UUID

from shared.codes import ClueStatus, Outcome

# How far along the lifecycle a status is, within one routing stage. A transfer (移送) opens the
# stage of its new decision, as `routed` opens the first: the target's reports follow it.
_RANK = {
    ClueStatus.RECEIVED: 0,
    ClueStatus.PENDING_REVIEW: 1,
    ClueStatus.ROUTED: 1,
    ClueStatus.TRANSFERRED: 1,
    ClueStatus.ASSIGNED: 2,
    ClueStatus.ACCEPTED: 3,
    ClueStatus.IN_DISPOSITION: 4,
    ClueStatus.CONCLUDED: 6,
    ClueStatus.RETURNED_TO_SENDER: 6,
}


@dataclass(frozen=True)
class StatusReport:
    status: ClueStatus
    occurred_at: datetime
    body_id: UUID | None = None
    body_name: str | None = None
    note: str | None = None
    outcome: Outcome | None = None
    outcome_summary: str | None = None
    stage: int | None = None
    sequence: int | None = None

    def order(self) -> tuple[int, int, int]:
        """Causal position: routing stage (a report without one belongs to the first), the
        status's rank in the lifecycle, then its producer's own sequence."""
        stage = (
            self.stage
            if self.stage is not None
            else (0 if self.status is ClueStatus.RECEIVED else 1)
        )
        return stage, _RANK[self.status], self.sequence or 0


@dataclass
class ReferralStatus:
    """Current status of one referral. Reports come from routing and casework independently,
    in any order and stamped by clocks that disagree: the report furthest along in causal order
    wins (StatusReport.order), never the latest arrival nor the latest wall-clock time. A stale
    report is kept in the timeline and changes nothing."""

    status: ClueStatus
    status_at: datetime
    stage: int = 0
    sequence: int = 0
    body_id: UUID | None = None
    body_name: str | None = None
    outcome: Outcome | None = None
    outcome_summary: str | None = None
    applied: list[StatusReport] = field(default_factory=list)

    def order(self) -> tuple[int, int, int]:
        return self.stage, _RANK[self.status], self.sequence

    def apply(self, report: StatusReport) -> bool:
        """Records the report; returns True when it became the current status."""
        self.applied.append(report)
        if report.outcome is not None:
            self.outcome, self.outcome_summary = report.outcome, report.outcome_summary
        if report.order() <= self.order():
            return False
        self.status, self.status_at = report.status, report.occurred_at
        self.stage, _, self.sequence = report.order()
        if report.body_id is not None:
            # A report that names the same body without its name keeps the name we know.
            known = self.body_name if report.body_id == self.body_id else None
            self.body_id, self.body_name = report.body_id, report.body_name or known
        return True

    def conclude(self, conclusion: "Conclusion") -> bool:
        """A conclusion counts only when it is the lead's, from the newest stage known: an older
        stage's or a co-body's is recorded and changes nothing. True when it was applied."""
        report = conclusion.report()
        if not conclusion.lead or conclusion.stage < self.stage:
            self.applied.append(report)
            return False
        self.apply(report)
        return True


@dataclass(frozen=True)
class Conclusion:
    """casework's case.concluded, as intake reads it: the outcome released to the sender."""

    body_id: UUID
    lead: bool
    stage: int
    outcome: Outcome
    release_summary: str
    concluded_at: datetime

    def report(self) -> StatusReport:
        return StatusReport(
            status=ClueStatus.CONCLUDED,
            occurred_at=self.concluded_at,
            body_id=self.body_id,
            outcome=self.outcome,
            outcome_summary=self.release_summary,
            stage=self.stage,
        )


@dataclass
class ReferralState:
    """What a status change needs of a referral: who to tell, and where it stands."""

    id: UUID
    agency_id: UUID
    receipt_number: str
    status: ReferralStatus
