"""What happened to an assignment (past tense), collected on it until the unit of work stages them.

Events carry no free text written about a person except the summary released to the sender and
what routing needs to place a handoff (its reason and the parts kept and transferred).
"""

from dataclasses import dataclass
from datetime import date, datetime
from uuid import UUID

from services.casework.domain.clocks import ClockKind
from services.casework.domain.states import Disposition, Role
from services.casework.domain.values import HandoffKind, NoteVisibility, ReporterNotice
from shared.codes import Outcome


@dataclass(frozen=True, kw_only=True)
class DomainEvent:
    assignment_id: UUID
    clue_id: UUID
    body_id: UUID
    occurred_at: datetime
    by: str
    decision_id: UUID
    role: Role
    stage: int
    # The assignment's version once this change is applied: the order of its reports.
    version: int


@dataclass(frozen=True, kw_only=True)
class AssignmentAccepted(DomainEvent):
    pass


@dataclass(frozen=True, kw_only=True)
class AssignmentReturned(DomainEvent):
    reason: str


@dataclass(frozen=True, kw_only=True)
class CaseDisposed(DomainEvent):
    disposition: Disposition
    approved_by: str


@dataclass(frozen=True, kw_only=True)
class InquiryLetterSent(DomainEvent):
    letter_id: UUID
    reply_due_at: datetime


@dataclass(frozen=True, kw_only=True)
class InquiryReplyReceived(DomainEvent):
    letter_id: UUID


@dataclass(frozen=True, kw_only=True)
class InquiryClarified(DomainEvent):
    approved_by: str


@dataclass(frozen=True, kw_only=True)
class InquiryEscalated(DomainEvent):
    approved_by: str


@dataclass(frozen=True, kw_only=True)
class VerificationResultRecorded(DomainEvent):
    result_id: UUID


@dataclass(frozen=True, kw_only=True)
class AssignmentClosedNoAction(DomainEvent):
    approved_by: str


@dataclass(frozen=True, kw_only=True)
class CaseFiled(DomainEvent):
    approved_by: str


@dataclass(frozen=True, kw_only=True)
class CaseSubmittedForReview(DomainEvent):
    review_due_at: datetime


@dataclass(frozen=True, kw_only=True)
class CaseConcluded(DomainEvent):
    outcome: Outcome
    summary_for_release: str
    approved_by: str


@dataclass(frozen=True, kw_only=True)
class RectificationStarted(DomainEvent):
    item_ids: tuple[UUID, ...]
    report_due_at: datetime


@dataclass(frozen=True, kw_only=True)
class RectificationItemAdded(DomainEvent):
    item_id: UUID
    due_on: date


@dataclass(frozen=True, kw_only=True)
class RectificationItemCompleted(DomainEvent):
    item_id: UUID


@dataclass(frozen=True, kw_only=True)
class AssignmentClosed(DomainEvent):
    pass


@dataclass(frozen=True, kw_only=True)
class HandoffRequested(DomainEvent):
    handoff_id: UUID
    kind: HandoffKind
    target_body_id: UUID | None
    approved_by: str
    reason: str
    target_name: str | None = None
    transferred_part: str | None = None
    kept_part: str | None = None


@dataclass(frozen=True, kw_only=True)
class ShelvedClueReactivated(DomainEvent):
    new_clue_id: UUID


@dataclass(frozen=True, kw_only=True)
class NoteAdded(DomainEvent):
    note_id: UUID
    visibility: NoteVisibility


@dataclass(frozen=True, kw_only=True)
class ReporterNoticeRecorded(DomainEvent):
    notice: ReporterNotice


@dataclass(frozen=True, kw_only=True)
class DeadlineExtended(DomainEvent):
    clock: str
    kind: ClockKind
    due_at: datetime
    provisional: bool
    approved_by: str


@dataclass(frozen=True, kw_only=True)
class DeadlineRecomputed(DomainEvent):
    clock: str
    kind: ClockKind
    due_at: datetime
    provisional: bool


@dataclass(frozen=True, kw_only=True)
class AssignmentOverdue(DomainEvent):
    """Escalates to the body's supervisors (DOMAIN.md: a clock that runs out escalates)."""

    clock: str
    kind: ClockKind
    due_at: datetime
    escalate_to: str


@dataclass(frozen=True, kw_only=True)
class RectificationItemOverdue(DomainEvent):
    item_id: UUID
    due_on: date
    escalate_to: str
