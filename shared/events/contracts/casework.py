"""What casework publishes about an assignment: one (clue, body) under one routing decision.

Every event carries the decision and its stage, so routing and intake can tell which decision a
report is about and order reports by cause, never by clock.
"""

from datetime import datetime
from enum import StrEnum
from uuid import UUID

from shared.codes import Disposition, Outcome
from shared.events import topics
from shared.events.contracts.base import Event, Note, OutcomeSummary, Stage


class Role(StrEnum):
    LEAD = "lead"
    CO = "co"


class AssignmentEvent(Event):
    assignment_id: UUID
    decision_id: UUID
    stage: Stage = 1
    body_id: UUID
    role: Role = Role.LEAD


class AssignmentAccepted(AssignmentEvent):
    """Signed for (签收); for a handoff this is the receiving body's acknowledgement."""

    TOPIC = topics.ASSIGNMENT_ACCEPTED

    accepted_at: datetime


class AssignmentReturned(AssignmentEvent):
    """退回: the body says the clue is not its to handle; routing re-routes without it."""

    TOPIC = topics.ASSIGNMENT_RETURNED

    reason: Note
    returned_at: datetime


class AssignmentOverdue(AssignmentEvent):
    TOPIC = topics.ASSIGNMENT_OVERDUE

    clock: Note
    due_at: datetime
    detected_at: datetime


class CaseDisposed(AssignmentEvent):
    TOPIC = topics.CASE_DISPOSED

    disposition: Disposition
    disposed_at: datetime


class CaseAction(StrEnum):
    INQUIRY_LETTER_SENT = "inquiry_letter_sent"
    INQUIRY_REPLY_RECEIVED = "inquiry_reply_received"
    CLARIFIED_CLOSED = "clarified_closed"
    ESCALATED = "escalated"
    VERIFICATION_RECORDED = "verification_recorded"
    CLOSED_NO_ACTION = "closed_no_action"
    CASE_FILED = "case_filed"
    SUBMITTED_FOR_REVIEW = "submitted_for_review"
    RECTIFICATION_STARTED = "rectification_started"
    RECTIFICATION_ITEM_ADDED = "rectification_item_added"
    RECTIFICATION_ITEM_COMPLETED = "rectification_item_completed"
    DEADLINE_EXTENDED = "deadline_extended"
    DEADLINE_RECOMPUTED = "deadline_recomputed"
    REACTIVATED = "reactivated"
    NOTE_SHARED = "note_shared"
    NOTICE_TO_REAL_NAME_REPORT_RECORDED = "real_name_notice_recorded"
    CLOSED = "closed"


class CaseProgressed(AssignmentEvent):
    """Every other step of the lifecycle: what happened, never the caseworkers' words."""

    TOPIC = topics.CASE_PROGRESSED

    action: CaseAction
    occurred_at: datetime


class HandoffMode(StrEnum):
    WHOLE = "whole"
    SPLIT = "split"  # part kept, part transferred, Reg Art 171(3)


class HandoffRequested(AssignmentEvent):
    """移送: routing checks the target, records the transfer and routes it there."""

    TOPIC = topics.CASE_HANDOFF_REQUESTED

    handoff_id: UUID
    target_body_id: UUID | None = None
    # A body outside this system, by name: routing sends it to review with this.
    target_name: Note | None = None
    mode: HandoffMode = HandoffMode.WHOLE
    kept_part: Note | None = None
    transferred_part: Note | None = None
    reason: Note
    requested_at: datetime


class CaseConcluded(AssignmentEvent):
    """The outcome released to the sender (审计法 Art 54), never investigative notes."""

    TOPIC = topics.CASE_CONCLUDED

    outcome: Outcome
    release_summary: OutcomeSummary
    concluded_at: datetime
