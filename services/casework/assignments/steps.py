"""Each lifecycle command as the one aggregate method it calls."""

from collections.abc import Callable
from typing import Any

from services.casework.assignments import commands as c
from services.casework.domain import ActionContext, Approval, Assignment, RectificationSpec

Perform = Callable[[Assignment, ActionContext, Approval | None, Any], object]


def _spec(item: c.ItemSpec) -> RectificationSpec:
    return RectificationSpec(item.description, item.owner, item.due_on)


PERFORM: dict[type, Perform] = {
    c.Accept: lambda a, x, p, s: a.accept(x),
    c.Return: lambda a, x, p, s: a.return_assignment(x, reason=s.reason),
    c.Dispose: lambda a, x, p, s: a.dispose(x, disposition=s.disposition, plan=s.plan, approval=p),
    c.SendInquiryLetter: lambda a, x, p, s: a.send_inquiry_letter(x, recipient=s.recipient),
    c.RecordInquiryReply: lambda a, x, p, s: a.record_inquiry_reply(
        x, letter_id=s.letter_id, summary=s.summary
    ),
    c.CloseClarified: lambda a, x, p, s: a.close_clarified(x, reason=s.reason, approval=p),
    c.EscalateToVerification: lambda a, x, p, s: a.escalate_to_verification(
        x, plan=s.plan, approval=p
    ),
    c.RecordVerificationResult: lambda a, x, p, s: a.record_verification_result(
        x, findings=s.findings
    ),
    c.CloseNoAction: lambda a, x, p, s: a.close_no_action(x, reason=s.reason, approval=p),
    c.FileCase: lambda a, x, p, s: a.file_case(x, basis=s.basis, approval=p),
    c.SubmitForReview: lambda a, x, p, s: a.submit_for_review(x),
    c.Conclude: lambda a, x, p, s: a.conclude(
        x, outcome=s.outcome, summary_for_release=s.summary_for_release, approval=p
    ),
    c.StartRectification: lambda a, x, p, s: a.start_rectification(
        x, items=[_spec(i) for i in s.items]
    ),
    c.AddRectificationItem: lambda a, x, p, s: a.add_rectification_item(x, item=_spec(s.item)),
    c.CompleteRectificationItem: lambda a, x, p, s: a.complete_rectification_item(
        x, item_id=s.item_id, report=s.report
    ),
    c.Close: lambda a, x, p, s: a.close(x),
    c.HandOff: lambda a, x, p, s: a.hand_off(
        x,
        target_body_id=s.target_body_id,
        target_name=s.target_name,
        reason=s.reason,
        approval=p,
    ),
    c.Split: lambda a, x, p, s: a.split(
        x,
        target_body_id=s.target_body_id,
        target_name=s.target_name,
        transferred_part=s.transferred_part,
        kept_part=s.kept_part,
        reason=s.reason,
        approval=p,
    ),
    c.AddNote: lambda a, x, p, s: a.add_note(x, text=s.text, visibility=s.visibility),
    c.ExtendClock: lambda a, x, p, s: a.extend_clock(x, clock=s.clock, reason=s.reason, approval=p),
    c.RecordReporterNotice: lambda a, x, p, s: a.record_reporter_notice(x, notice=s.notice),
}


def perform(a: Assignment, ctx: ActionContext, step: c.Step) -> None:
    """A supervisor of the body approves by acting: their own approval goes with the action."""
    approval = Approval(ctx.by) if ctx.by.is_supervisor else None
    PERFORM[type(step)](a, ctx, approval, step)
