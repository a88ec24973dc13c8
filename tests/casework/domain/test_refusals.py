"""Missing or invalid fields (422), missing approval (403), another body (404): nothing changes."""

import copy
from collections.abc import Callable
from typing import Any
from uuid import uuid4

import pytest

from services.casework.domain import (
    NEEDS_APPROVAL,
    Action,
    Actor,
    Approval,
    ApprovalRequired,
    Assignment,
    AssignmentNotFound,
    Disposition,
    InvalidCommand,
    RectificationSpec,
    ReporterNotice,
)
from shared.codes import Outcome
from tests.casework.domain.builders import (
    APPROVED,
    BODY,
    OTHER_BODY,
    PERFORM,
    SUPERVISOR,
    S,
    ctx,
    perform,
    reach,
    spec,
)

Refusal = tuple[S, Callable[[Assignment], object], str]

INVALID: list[Refusal] = [
    (S.ASSIGNED, lambda a: a.return_assignment(ctx(), reason="  "), "reason"),
    (
        S.ACCEPTED,
        lambda a: a.dispose(ctx(), disposition=Disposition.INQUIRY, plan="", approval=APPROVED),
        "plan",
    ),
    (S.INQUIRY, lambda a: a.send_inquiry_letter(ctx(), recipient="x" * 201), "recipient"),
    (
        S.INQUIRY,
        lambda a: a.record_inquiry_reply(ctx(), letter_id=uuid4(), summary="说明"),
        "letter_id",
    ),
    (
        S.PRELIMINARY_VERIFICATION,
        lambda a: a.record_verification_result(ctx(), findings=""),
        "findings",
    ),
    (
        S.UNDER_REVIEW,
        lambda a: a.conclude(
            ctx(), outcome=Outcome.FORM_3, summary_for_release="", approval=APPROVED
        ),
        "summary_for_release",
    ),
    (
        S.UNDER_REVIEW,
        lambda a: a.conclude(
            ctx(), outcome=Outcome.FORM_1, summary_for_release="x" * 2001, approval=APPROVED
        ),
        "summary_for_release",
    ),
    (
        S.INQUIRY,
        lambda a: a.conclude(
            ctx(), outcome=Outcome.FORM_3, summary_for_release="处分", approval=APPROVED
        ),
        "outcome",
    ),
    (S.CONCLUDED, lambda a: a.start_rectification(ctx(), items=[]), "items"),
    (
        S.CONCLUDED,
        lambda a: a.start_rectification(ctx(), items=[spec(), spec(-1)]),
        "items[1].due_on",
    ),
    (
        S.CONCLUDED,
        lambda a: a.start_rectification(
            ctx(), items=[RectificationSpec("整改", "", spec().due_on)]
        ),
        "items[0].owner",
    ),
    (S.RECTIFICATION, lambda a: a.close(ctx()), "rectification_items"),
    (
        S.RECTIFICATION,
        lambda a: a.complete_rectification_item(ctx(), item_id=uuid4(), report="已整改"),
        "item_id",
    ),
    (
        S.ACCEPTED,
        lambda a: a.hand_off(ctx(), target_body_id=BODY, reason="移送", approval=APPROVED),
        "target_body_id",
    ),
    (
        S.ACCEPTED,
        lambda a: a.split(
            ctx(),
            target_body_id=OTHER_BODY,
            transferred_part="",
            kept_part="x",
            reason="r",
            approval=APPROVED,
        ),
        "transferred_part",
    ),
    (
        S.ACCEPTED,
        lambda a: a.extend_clock(ctx(), clock="no_such_clock", reason="r", approval=APPROVED),
        "clock",
    ),
    (
        S.ACCEPTED,
        lambda a: a.extend_clock(ctx(), clock="sign_for", reason="r", approval=APPROVED),
        "clock",
    ),
    (
        S.ACCEPTED,
        lambda a: a.record_reporter_notice(ctx(), notice=ReporterNotice.RESULT),
        "notice",
    ),
    (S.ACCEPTED, lambda a: a.add_note(ctx(), text="x" * 4001), "text"),
]


def snapshot(a: Assignment) -> dict[str, Any]:
    return copy.deepcopy(vars(a))


class TestInvalidFields:
    @pytest.mark.parametrize(
        ("state", "call", "field"), INVALID, ids=[f"{s}-{f}" for s, _, f in INVALID]
    )
    def test_name_the_field_and_change_nothing(
        self, state: S, call: Callable[[Assignment], object], field: str
    ) -> None:
        a = reach(state)
        before = snapshot(a)
        with pytest.raises(InvalidCommand) as refused:
            call(a)
        assert refused.value.field == field
        assert snapshot(a) == before

    def test_a_reply_is_recorded_once(self) -> None:
        a = reach(S.INQUIRY)
        PERFORM[Action.RECORD_INQUIRY_REPLY](a, ctx())
        before = snapshot(a)
        with pytest.raises(InvalidCommand, match="already recorded"):
            a.record_inquiry_reply(ctx(), letter_id=a.letters[0].id, summary="再次说明")
        assert snapshot(a) == before

    def test_a_case_is_filed_only_on_recorded_findings(self) -> None:
        a = reach(S.ACCEPTED)
        a.dispose(
            ctx(), disposition=Disposition.PRELIMINARY_VERIFICATION, plan="核实", approval=APPROVED
        )
        with pytest.raises(InvalidCommand) as refused:
            a.file_case(ctx(), basis="涉嫌违纪", approval=APPROVED)
        assert refused.value.field == "verification_results"

    def test_a_clock_is_extended_only_as_often_as_its_rule_allows(self) -> None:
        a = reach(S.ACCEPTED)
        a.extend_clock(ctx(), clock="assigned_down", reason="情况复杂", approval=APPROVED)
        before = snapshot(a)
        with pytest.raises(InvalidCommand, match="every extension"):
            a.extend_clock(ctx(), clock="assigned_down", reason="再次延长", approval=APPROVED)
        assert snapshot(a) == before


CASEWORKER_APPROVAL = Approval(Actor("caseworker-2", BODY, frozenset({"caseworker"})))
FOREIGN_SUPERVISOR = Approval(Actor("supervisor-9", OTHER_BODY, frozenset({"supervisor"})))
NEEDING = sorted(NEEDS_APPROVAL)
STATE_FOR = {
    Action.DISPOSE: S.ACCEPTED,
    Action.CLOSE_CLARIFIED: S.INQUIRY,
    Action.ESCALATE_TO_VERIFICATION: S.INQUIRY,
    Action.CLOSE_NO_ACTION: S.PRELIMINARY_VERIFICATION,
    Action.FILE_CASE: S.PRELIMINARY_VERIFICATION,
    Action.CONCLUDE: S.UNDER_REVIEW,
    Action.HAND_OFF: S.ACCEPTED,
    Action.SPLIT: S.ACCEPTED,
    Action.EXTEND_CLOCK: S.ACCEPTED,
}


class TestApprovals:
    def test_every_action_needing_approval_has_a_state_here(self) -> None:
        assert set(STATE_FOR) == NEEDS_APPROVAL

    @pytest.mark.parametrize("action", NEEDING)
    @pytest.mark.parametrize(
        ("approval", "reason"),
        [
            (None, "no approval"),
            (CASEWORKER_APPROVAL, "not a supervisor"),
            (FOREIGN_SUPERVISOR, "not of this body"),
        ],
    )
    def test_refused_without_a_supervisor_of_this_body(
        self, action: Action, approval: Approval | None, reason: str
    ) -> None:
        a = reach(STATE_FOR[action])
        before = snapshot(a)
        with pytest.raises(ApprovalRequired, match=reason) as refused:
            perform(action, a, ctx(), approval)
        assert refused.value.action == action.value
        assert snapshot(a) == before

    def test_a_supervisor_acting_passes_their_own_approval(self) -> None:
        a = reach(S.ACCEPTED)
        a.dispose(
            ctx(by=SUPERVISOR),
            disposition=Disposition.SHELVED,
            plan="暂存",
            approval=Approval(SUPERVISOR),
        )
        assert a.state is S.SHELVED
        assert a.timeline[-1].details["approved_by"] == SUPERVISOR.user_id

    def test_the_approval_is_checked_before_the_fields(self) -> None:
        a = reach(S.ACCEPTED)
        with pytest.raises(ApprovalRequired):
            a.dispose(ctx(), disposition=Disposition.INQUIRY, plan="", approval=None)


class TestAnotherBody:
    @pytest.mark.parametrize("action", sorted(Action))
    def test_an_actor_of_another_body_is_told_nothing_exists(self, action: Action) -> None:
        a = reach(S.ACCEPTED)
        before = snapshot(a)
        stranger = Actor("caseworker-9", OTHER_BODY, frozenset({"caseworker", "supervisor"}))
        with pytest.raises(AssignmentNotFound):
            PERFORM[action](a, ctx(by=stranger))
        assert snapshot(a) == before


def test_an_action_context_needs_an_aware_instant() -> None:
    with pytest.raises(ValueError, match="aware"):
        ctx(ctx().at.replace(tzinfo=None))
