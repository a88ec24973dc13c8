"""Every path of the lifecycle from assigned to its end, with the events each step raises."""

from uuid import uuid4

import pytest

from services.casework.domain import (
    Action,
    Assignment,
    Disposition,
    HandoffKind,
    IllegalTransition,
    InvalidCommand,
    events,
)
from services.casework.domain.events import DomainEvent
from shared.codes import Outcome
from tests.casework.domain.builders import APPROVED, OTHER_BODY, PERFORM, S, ctx, new, reach, spec


def kinds(evts: list[DomainEvent]) -> list[str]:
    return [type(e).__name__ for e in evts]


class TestInquiry:
    def test_letter_reply_and_clarified(self) -> None:
        a = new()
        a.accept(ctx())
        a.dispose(ctx(), disposition=Disposition.INQUIRY, plan="函询", approval=APPROVED)
        letter = a.send_inquiry_letter(ctx(), recipient="张三")
        a.record_inquiry_reply(ctx(), letter_id=letter, summary="说明情况")
        a.close_clarified(ctx(), reason="予以澄清", approval=APPROVED)
        assert a.state is S.CLARIFIED_CLOSED
        assert kinds(a.collect_events()) == [
            "AssignmentAccepted",
            "CaseDisposed",
            "InquiryLetterSent",
            "InquiryReplyReceived",
            "InquiryClarified",
        ]
        assert a.letters[0].reply_summary == "说明情况"
        assert a.version == 6

    def test_a_form_1_outcome_straight_from_the_inquiry(self) -> None:
        a = reach(S.INQUIRY)
        a.conclude(ctx(), outcome=Outcome.FORM_1, summary_for_release="谈话提醒", approval=APPROVED)
        a.close(ctx())
        assert (a.state, a.outcome) == (S.CLOSED, Outcome.FORM_1)

    def test_escalated_to_verification_then_filed_concluded_rectified_closed(self) -> None:
        a = reach(S.INQUIRY)
        a.escalate_to_verification(ctx(), plan="初步核实", approval=APPROVED)
        a.record_verification_result(ctx(), findings="查实")
        a.file_case(ctx(), basis="涉嫌违纪", approval=APPROVED)
        a.submit_for_review(ctx())
        a.conclude(ctx(), outcome=Outcome.FORM_2, summary_for_release="党内警告", approval=APPROVED)
        first, second = a.start_rectification(ctx(), items=[spec(), spec(60)])
        a.complete_rectification_item(ctx(), item_id=first, report="已整改")
        with pytest.raises(InvalidCommand, match="1 item"):
            a.close(ctx())
        a.complete_rectification_item(ctx(), item_id=second, report="已整改")
        a.close(ctx())
        assert a.state is S.CLOSED
        assert a.disposition is Disposition.PRELIMINARY_VERIFICATION
        emitted = a.collect_events()
        (concluded,) = [e for e in emitted if isinstance(e, events.CaseConcluded)]
        assert (concluded.outcome, concluded.summary_for_release) == (Outcome.FORM_2, "党内警告")
        assert kinds(emitted)[-4:] == [
            "RectificationStarted",
            "RectificationItemCompleted",
            "RectificationItemCompleted",
            "AssignmentClosed",
        ]


class TestShelved:
    def test_reactivated_by_a_new_clue_then_disposed_again(self) -> None:
        a = reach(S.SHELVED)
        new_clue = uuid4()
        a.reactivate(ctx(), new_clue_id=new_clue)
        assert (a.state, a.disposition, a.reactivated_by) == (S.ACCEPTED, None, [new_clue])
        a.dispose(
            ctx(), disposition=Disposition.PRELIMINARY_VERIFICATION, plan="核实", approval=APPROVED
        )
        a.close_no_action(ctx(), reason="反映不实", approval=APPROVED)
        assert a.state is S.CLOSED_NO_ACTION
        assert "ShelvedClueReactivated" in kinds(a.collect_events())

    def test_closed_later_without_reactivation(self) -> None:
        a = reach(S.SHELVED)
        a.close_no_action(ctx(), reason="长期无法查证", approval=APPROVED)
        assert a.state is S.CLOSED_NO_ACTION


class TestReturnedAndClosedAtOnce:
    def test_returned_with_its_reason(self) -> None:
        a = new()
        a.return_assignment(ctx(), reason="不属于本机关管辖")
        (event,) = a.collect_events()
        assert isinstance(event, events.AssignmentReturned)
        assert (a.state, a.return_reason, event.reason) == (
            S.RETURNED,
            "不属于本机关管辖",
            "不属于本机关管辖",
        )

    def test_closed_no_action_as_the_disposition(self) -> None:
        a = reach(S.CLOSED_NO_ACTION)
        assert a.disposition is Disposition.CLOSED_NO_ACTION


class TestHandoff:
    @pytest.mark.parametrize("state", [S.ASSIGNED, S.INQUIRY, S.SHELVED, S.UNDER_REVIEW])
    def test_the_whole_clue_ends_this_bodys_work(self, state: S) -> None:
        a = reach(state)
        a.hand_off(ctx(), target_body_id=OTHER_BODY, reason="移送", approval=APPROVED)
        assert (a.state, a.handed_off_to) == (S.HANDED_OFF, OTHER_BODY)
        (event,) = a.collect_events()
        assert isinstance(event, events.HandoffRequested)
        assert (event.kind, event.target_body_id) == (HandoffKind.WHOLE, OTHER_BODY)
        assert not [c for c in a.clocks if c.live]
        assert len(a.timeline) == a.version

    def test_after_a_handoff_every_action_is_refused(self) -> None:
        a = reach(S.HANDED_OFF)
        for action in Action:
            with pytest.raises(IllegalTransition):
                PERFORM[action](a, ctx())

    def test_a_split_keeps_the_assignment_working(self) -> None:
        a = reach(S.PRELIMINARY_VERIFICATION)
        PERFORM[Action.SPLIT](a, ctx())
        assert a.state is S.PRELIMINARY_VERIFICATION
        (transfer,) = a.transfers
        assert (transfer.kind, transfer.kept_part, transfer.transferred_part) == (
            HandoffKind.SPLIT,
            "违纪部分",
            "职务犯罪部分",
        )
        assert a.handed_off_to is None
        (event,) = a.collect_events()
        assert isinstance(event, events.HandoffRequested) and event.kind is HandoffKind.SPLIT
        a.file_case(ctx(), basis="违纪部分立案", approval=APPROVED)
        assert a.state is S.CASE_FILED


def test_every_path_ends_where_it_should() -> None:
    ends = {S.RETURNED, S.CLOSED_NO_ACTION, S.CLARIFIED_CLOSED, S.HANDED_OFF, S.CLOSED}
    for end in ends:
        a: Assignment = reach(end)
        assert a.state is end
        assert a.version == len(a.timeline)
