"""States, the actions that move between them, and which actions need a supervisor.

Every command of the aggregate is one `Action`; `ACTIONS` says from which states it may run and
where it leads (`None`: it stays). `TRANSITIONS` is derived from it.
"""

from enum import StrEnum

from shared.codes import Disposition as Disposition


class Role(StrEnum):
    LEAD = "lead"
    CO = "co"


class AssignmentState(StrEnum):
    ASSIGNED = "assigned"
    ACCEPTED = "accepted"
    RETURNED = "returned"
    INQUIRY = "inquiry"
    PRELIMINARY_VERIFICATION = "preliminary_verification"
    SHELVED = "shelved"
    CLOSED_NO_ACTION = "closed_no_action"
    CLARIFIED_CLOSED = "clarified_closed"
    CASE_FILED = "case_filed"
    UNDER_REVIEW = "under_review"
    CONCLUDED = "concluded"
    HANDED_OFF = "handed_off"
    RECTIFICATION = "rectification"
    CLOSED = "closed"


class Action(StrEnum):
    ACCEPT = "accept"
    RETURN = "return"
    DISPOSE = "dispose"
    SEND_INQUIRY_LETTER = "send_inquiry_letter"
    RECORD_INQUIRY_REPLY = "record_inquiry_reply"
    CLOSE_CLARIFIED = "close_clarified"
    ESCALATE_TO_VERIFICATION = "escalate_to_verification"
    RECORD_VERIFICATION_RESULT = "record_verification_result"
    CLOSE_NO_ACTION = "close_no_action"
    FILE_CASE = "file_case"
    SUBMIT_FOR_REVIEW = "submit_for_review"
    CONCLUDE = "conclude"
    START_RECTIFICATION = "start_rectification"
    ADD_RECTIFICATION_ITEM = "add_rectification_item"
    COMPLETE_RECTIFICATION_ITEM = "complete_rectification_item"
    CLOSE = "close"
    HAND_OFF = "hand_off"
    SPLIT = "split"
    REACTIVATE = "reactivate"
    ADD_NOTE = "add_note"
    EXTEND_CLOCK = "extend_clock"
    RECORD_REPORTER_NOTICE = "record_reporter_notice"


_S = AssignmentState
TERMINAL = frozenset(
    {_S.RETURNED, _S.CLOSED_NO_ACTION, _S.CLARIFIED_CLOSED, _S.HANDED_OFF, _S.CLOSED}
)
# Any state before conclusion may be handed off (移送) to another body.
BEFORE_CONCLUSION = frozenset(
    {
        _S.ASSIGNED,
        _S.ACCEPTED,
        _S.INQUIRY,
        _S.PRELIMINARY_VERIFICATION,
        _S.SHELVED,
        _S.CASE_FILED,
        _S.UNDER_REVIEW,
    }
)
OPEN = frozenset(AssignmentState) - TERMINAL
# A result notice to a real-name reporter is still owed after the matter ends.
NOTICE_STATES = frozenset(AssignmentState) - {_S.ASSIGNED, _S.RETURNED, _S.HANDED_OFF}
DISPOSED_TO = {d: AssignmentState(d.value) for d in Disposition}

ACTIONS: dict[Action, tuple[frozenset[AssignmentState], frozenset[AssignmentState]]] = {
    Action.ACCEPT: (frozenset({_S.ASSIGNED}), frozenset({_S.ACCEPTED})),
    Action.RETURN: (frozenset({_S.ASSIGNED}), frozenset({_S.RETURNED})),
    Action.DISPOSE: (frozenset({_S.ACCEPTED}), frozenset(DISPOSED_TO.values())),
    Action.SEND_INQUIRY_LETTER: (frozenset({_S.INQUIRY}), frozenset()),
    Action.RECORD_INQUIRY_REPLY: (frozenset({_S.INQUIRY}), frozenset()),
    Action.CLOSE_CLARIFIED: (frozenset({_S.INQUIRY}), frozenset({_S.CLARIFIED_CLOSED})),
    Action.ESCALATE_TO_VERIFICATION: (
        frozenset({_S.INQUIRY}),
        frozenset({_S.PRELIMINARY_VERIFICATION}),
    ),
    Action.RECORD_VERIFICATION_RESULT: (frozenset({_S.PRELIMINARY_VERIFICATION}), frozenset()),
    Action.CLOSE_NO_ACTION: (
        frozenset({_S.PRELIMINARY_VERIFICATION, _S.SHELVED}),
        frozenset({_S.CLOSED_NO_ACTION}),
    ),
    Action.FILE_CASE: (frozenset({_S.PRELIMINARY_VERIFICATION}), frozenset({_S.CASE_FILED})),
    Action.SUBMIT_FOR_REVIEW: (frozenset({_S.CASE_FILED}), frozenset({_S.UNDER_REVIEW})),
    # An inquiry or a verification may end in a form_1 outcome without a case being filed.
    Action.CONCLUDE: (
        frozenset({_S.INQUIRY, _S.PRELIMINARY_VERIFICATION, _S.UNDER_REVIEW}),
        frozenset({_S.CONCLUDED}),
    ),
    Action.START_RECTIFICATION: (frozenset({_S.CONCLUDED}), frozenset({_S.RECTIFICATION})),
    Action.ADD_RECTIFICATION_ITEM: (frozenset({_S.RECTIFICATION}), frozenset()),
    Action.COMPLETE_RECTIFICATION_ITEM: (frozenset({_S.RECTIFICATION}), frozenset()),
    # A conclusion with nothing to rectify (e.g. no_violation) closes directly.
    Action.CLOSE: (frozenset({_S.CONCLUDED, _S.RECTIFICATION}), frozenset({_S.CLOSED})),
    Action.HAND_OFF: (BEFORE_CONCLUSION, frozenset({_S.HANDED_OFF})),
    # Keeping a part means the body has signed for the clue first.
    Action.SPLIT: (BEFORE_CONCLUSION - {_S.ASSIGNED}, frozenset()),
    Action.REACTIVATE: (frozenset({_S.SHELVED}), frozenset({_S.ACCEPTED})),
    Action.ADD_NOTE: (OPEN, frozenset()),
    Action.EXTEND_CLOCK: (OPEN, frozenset()),
    Action.RECORD_REPORTER_NOTICE: (NOTICE_STATES, frozenset()),
}

# Rules Art 21 (disposition of a clue is approved, 报批), Art 40 (立案 is approved), the decision
# on an outcome, a handoff (移送 经审批), and DOMAIN.md's "an extension needs an approver". Signing
# for, returning, letters, replies, findings, notes, rectification and closing are the
# caseworker's own steps.
NEEDS_APPROVAL = frozenset(
    {
        Action.DISPOSE,
        Action.CLOSE_CLARIFIED,
        Action.ESCALATE_TO_VERIFICATION,
        Action.CLOSE_NO_ACTION,
        Action.FILE_CASE,
        Action.CONCLUDE,
        Action.HAND_OFF,
        Action.SPLIT,
        Action.EXTEND_CLOCK,
    }
)


def allowed_actions(state: AssignmentState) -> frozenset[Action]:
    return frozenset(action for action, (sources, _) in ACTIONS.items() if state in sources)


def _transitions() -> dict[AssignmentState, frozenset[AssignmentState]]:
    table: dict[AssignmentState, set[AssignmentState]] = {s: set() for s in AssignmentState}
    for sources, targets in ACTIONS.values():
        for source in sources:
            table[source] |= targets
    return {state: frozenset(targets) for state, targets in table.items()}


TRANSITIONS = _transitions()


def can_move(source: AssignmentState, target: AssignmentState) -> bool:
    return target in TRANSITIONS[source]
