"""What callers ask of assignments: queries of the inbox and one command per lifecycle action."""

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from uuid import UUID

from services.casework.domain import (
    Actor,
    AssignmentState,
    Disposition,
    NoteVisibility,
    ReporterNotice,
    Role,
)
from shared.codes import Category, Channel, Outcome


class Sort(StrEnum):
    DUE = "due"  # the nearest deadline first; assignments with none last
    RECEIVED = "received"  # newest first


@dataclass(frozen=True, kw_only=True)
class InboxFilter:
    states: frozenset[AssignmentState] = frozenset()
    overdue: bool | None = None
    escalated: bool | None = None
    due_before: datetime | None = None
    category: Category | None = None
    channel: Channel | None = None
    role: Role | None = None


@dataclass(frozen=True, kw_only=True)
class ListAssignments:
    filter: InboxFilter
    now: datetime
    sort: Sort = Sort.RECEIVED
    after: tuple[datetime, UUID] | None = None
    limit: int = 20


@dataclass(frozen=True, kw_only=True)
class GetAssignment:
    assignment_id: UUID


@dataclass(frozen=True, kw_only=True)
class Accept:
    pass


@dataclass(frozen=True, kw_only=True)
class Return:
    reason: str


@dataclass(frozen=True, kw_only=True)
class Dispose:
    disposition: Disposition
    plan: str


@dataclass(frozen=True, kw_only=True)
class SendInquiryLetter:
    recipient: str


@dataclass(frozen=True, kw_only=True)
class RecordInquiryReply:
    letter_id: UUID
    summary: str


@dataclass(frozen=True, kw_only=True)
class CloseClarified:
    reason: str


@dataclass(frozen=True, kw_only=True)
class EscalateToVerification:
    plan: str


@dataclass(frozen=True, kw_only=True)
class RecordVerificationResult:
    findings: str


@dataclass(frozen=True, kw_only=True)
class CloseNoAction:
    reason: str


@dataclass(frozen=True, kw_only=True)
class FileCase:
    basis: str


@dataclass(frozen=True, kw_only=True)
class SubmitForReview:
    pass


@dataclass(frozen=True, kw_only=True)
class Conclude:
    outcome: Outcome
    summary_for_release: str


@dataclass(frozen=True, kw_only=True)
class ItemSpec:
    description: str
    owner: str
    due_on: date


@dataclass(frozen=True, kw_only=True)
class StartRectification:
    items: tuple[ItemSpec, ...]


@dataclass(frozen=True, kw_only=True)
class AddRectificationItem:
    item: ItemSpec


@dataclass(frozen=True, kw_only=True)
class CompleteRectificationItem:
    item_id: UUID
    report: str


@dataclass(frozen=True, kw_only=True)
class Close:
    pass


@dataclass(frozen=True, kw_only=True)
class HandOff:
    target_body_id: UUID | None
    target_name: str | None
    reason: str


@dataclass(frozen=True, kw_only=True)
class Split:
    target_body_id: UUID | None
    target_name: str | None
    transferred_part: str
    kept_part: str
    reason: str


@dataclass(frozen=True, kw_only=True)
class AddNote:
    text: str
    visibility: NoteVisibility


@dataclass(frozen=True, kw_only=True)
class ExtendClock:
    clock: str
    reason: str


@dataclass(frozen=True, kw_only=True)
class RecordReporterNotice:
    notice: ReporterNotice


Step = (
    Accept
    | Return
    | Dispose
    | SendInquiryLetter
    | RecordInquiryReply
    | CloseClarified
    | EscalateToVerification
    | RecordVerificationResult
    | CloseNoAction
    | FileCase
    | SubmitForReview
    | Conclude
    | StartRectification
    | AddRectificationItem
    | CompleteRectificationItem
    | Close
    | HandOff
    | Split
    | AddNote
    | ExtendClock
    | RecordReporterNotice
)


@dataclass(frozen=True, kw_only=True)
class Act:
    """One lifecycle action by a member of the assignment's body, on the version they saw."""

    assignment_id: UUID
    # The versions named in If-Match: the action runs only if the current one is among them.
    expected_versions: frozenset[int]
    actor: Actor
    step: Step
