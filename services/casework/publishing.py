"""What each domain event of an assignment becomes on Kafka (the unit of work's publishable).

Every event carries the assignment, its decision, the decision's stage and the body's role.
The referring agency's status (`clue.status`) follows the lead assignment only, numbered by the
assignment's version; only the lead's conclusion (including 澄清了结 and 予以了结, which end the
matter with no violation found) is published as `case.concluded` for feedback.
"""

from collections.abc import Callable
from typing import Any

from services.casework.domain import Disposition, NoteVisibility, Role
from services.casework.domain import events as domain
from shared.codes import ClueStatus, Outcome
from shared.events import Event
from shared.events.contracts import (
    AssignmentAccepted,
    AssignmentOverdue,
    AssignmentReturned,
    CaseAction,
    CaseConcluded,
    CaseDisposed,
    CaseProgressed,
    ClueStatusChanged,
    HandoffMode,
    HandoffRequested,
)
from shared.events.contracts import Role as ContractRole
from shared.workdays import end_of

CLARIFIED_SUMMARY = "经谈话函询，反映的问题予以澄清，予以了结。"
NO_ACTION_SUMMARY = "经核查，反映的问题不实或者没有追究的必要，予以了结。"

PROGRESS: dict[type[domain.DomainEvent], CaseAction] = {
    domain.InquiryLetterSent: CaseAction.INQUIRY_LETTER_SENT,
    domain.InquiryReplyReceived: CaseAction.INQUIRY_REPLY_RECEIVED,
    domain.InquiryEscalated: CaseAction.ESCALATED,
    domain.VerificationResultRecorded: CaseAction.VERIFICATION_RECORDED,
    domain.CaseFiled: CaseAction.CASE_FILED,
    domain.CaseSubmittedForReview: CaseAction.SUBMITTED_FOR_REVIEW,
    domain.RectificationStarted: CaseAction.RECTIFICATION_STARTED,
    domain.RectificationItemAdded: CaseAction.RECTIFICATION_ITEM_ADDED,
    domain.RectificationItemCompleted: CaseAction.RECTIFICATION_ITEM_COMPLETED,
    domain.AssignmentClosed: CaseAction.CLOSED,
    domain.ShelvedClueReactivated: CaseAction.REACTIVATED,
    domain.ReporterNoticeRecorded: CaseAction.NOTICE_TO_REAL_NAME_REPORT_RECORDED,
    domain.DeadlineExtended: CaseAction.DEADLINE_EXTENDED,
    domain.DeadlineRecomputed: CaseAction.DEADLINE_RECOMPUTED,
}


def contracts_of(e: domain.DomainEvent) -> list[Event]:
    special = SPECIAL.get(type(e))
    if special is not None:
        return special(e)
    if type(e) in PROGRESS:
        return [_progressed(e, PROGRESS[type(e)])]
    raise TypeError(f"casework has no contract for {type(e).__name__}")


def _meta(e: domain.DomainEvent) -> dict[str, Any]:
    return {
        "clue_id": e.clue_id,
        "assignment_id": e.assignment_id,
        "decision_id": e.decision_id,
        "stage": e.stage,
        "body_id": e.body_id,
        "role": ContractRole(e.role.value),
    }


def _progressed(e: domain.DomainEvent, action: CaseAction) -> CaseProgressed:
    return CaseProgressed(**_meta(e), action=action, occurred_at=e.occurred_at)


def _status(e: domain.DomainEvent, status: ClueStatus, **extra: Any) -> list[Event]:
    if e.role is not Role.LEAD:
        return []
    report = ClueStatusChanged(
        clue_id=e.clue_id,
        status=status,
        occurred_at=e.occurred_at,
        body_id=e.body_id,
        stage=e.stage,
        sequence=e.version,
        **extra,
    )
    return [report]


def _concluded(e: domain.DomainEvent, outcome: Outcome, summary: str) -> list[Event]:
    if e.role is not Role.LEAD:
        return []
    # No `clue.status` beside it: intake takes the conclusion, its status, timeline entry and
    # webhook, from this one event, so the agency hears of it once.
    concluded = CaseConcluded(
        **_meta(e), outcome=outcome, release_summary=summary, concluded_at=e.occurred_at
    )
    return [concluded]


def _accepted(e: Any) -> list[Event]:
    accepted = AssignmentAccepted(**_meta(e), accepted_at=e.occurred_at)
    return [accepted, *_status(e, ClueStatus.ACCEPTED)]


def _returned(e: Any) -> list[Event]:
    return [AssignmentReturned(**_meta(e), reason=e.reason, returned_at=e.occurred_at)]


def _disposed(e: Any) -> list[Event]:
    disposed = CaseDisposed(**_meta(e), disposition=e.disposition, disposed_at=e.occurred_at)
    if e.disposition is Disposition.CLOSED_NO_ACTION:
        return [disposed, *_concluded(e, Outcome.NO_VIOLATION, NO_ACTION_SUMMARY)]
    return [disposed, *_status(e, ClueStatus.IN_DISPOSITION)]


def _case_concluded(e: Any) -> list[Event]:
    return _concluded(e, e.outcome, e.summary_for_release)


def _clarified(e: Any) -> list[Event]:
    progressed = _progressed(e, CaseAction.CLARIFIED_CLOSED)
    return [progressed, *_concluded(e, Outcome.NO_VIOLATION, CLARIFIED_SUMMARY)]


def _closed_no_action(e: Any) -> list[Event]:
    progressed = _progressed(e, CaseAction.CLOSED_NO_ACTION)
    return [progressed, *_concluded(e, Outcome.NO_VIOLATION, NO_ACTION_SUMMARY)]


def _handoff(e: Any) -> list[Event]:
    requested = HandoffRequested(
        **_meta(e),
        handoff_id=e.handoff_id,
        target_body_id=e.target_body_id,
        target_name=e.target_name,
        mode=HandoffMode(e.kind.value),
        kept_part=e.kept_part,
        transferred_part=e.transferred_part,
        reason=e.reason,
        requested_at=e.occurred_at,
    )
    return [requested]


def _overdue(e: Any) -> list[Event]:
    return [
        AssignmentOverdue(**_meta(e), clock=e.clock, due_at=e.due_at, detected_at=e.occurred_at)
    ]


def _item_overdue(e: Any) -> list[Event]:
    clock = f"rectification_item:{e.item_id}"
    due = end_of(e.due_on)
    return [AssignmentOverdue(**_meta(e), clock=clock, due_at=due, detected_at=e.occurred_at)]


def _note(e: Any) -> list[Event]:
    # An internal note is this body's own business: nothing about it leaves casework.
    if e.visibility is not NoteVisibility.SHARED:
        return []
    return [_progressed(e, CaseAction.NOTE_SHARED)]


SPECIAL: dict[type[domain.DomainEvent], Callable[[Any], list[Event]]] = {
    domain.AssignmentAccepted: _accepted,
    domain.AssignmentReturned: _returned,
    domain.CaseDisposed: _disposed,
    domain.CaseConcluded: _case_concluded,
    domain.InquiryClarified: _clarified,
    domain.AssignmentClosedNoAction: _closed_no_action,
    domain.HandoffRequested: _handoff,
    domain.AssignmentOverdue: _overdue,
    domain.RectificationItemOverdue: _item_overdue,
    domain.NoteAdded: _note,
}
