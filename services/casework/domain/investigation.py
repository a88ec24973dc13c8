"""Inquiry letters and replies, verification, filing a case, its review and the conclusion."""

from dataclasses import replace
from uuid import UUID, uuid4

from services.casework.domain.aggregate import AssignmentBase, required_text
from services.casework.domain.clocks import ClockKind
from services.casework.domain.errors import InvalidCommand
from services.casework.domain.events import (
    AssignmentClosedNoAction,
    CaseConcluded,
    CaseFiled,
    CaseSubmittedForReview,
    InquiryClarified,
    InquiryEscalated,
    InquiryLetterSent,
    InquiryReplyReceived,
    VerificationResultRecorded,
)
from services.casework.domain.states import Action, AssignmentState, Disposition
from services.casework.domain.values import (
    ActionContext,
    Approval,
    InquiryLetter,
    VerificationResult,
)
from shared.codes import Outcome

_S = AssignmentState
# A sanction (form_2 to form_4) needs a filed and reviewed case; before that only form_1.
OUTCOMES: dict[AssignmentState, frozenset[Outcome]] = {
    _S.INQUIRY: frozenset({Outcome.FORM_1}),
    _S.PRELIMINARY_VERIFICATION: frozenset({Outcome.FORM_1}),
    _S.UNDER_REVIEW: frozenset(Outcome),
}
RELEASE_LIMIT = 2000


class Investigation(AssignmentBase):
    def send_inquiry_letter(self, ctx: ActionContext, *, recipient: str) -> UUID:
        """函询: each letter has its own reply clock."""
        self._begin(ctx, Action.SEND_INQUIRY_LETTER)
        recipient = required_text("recipient", recipient, limit=200)
        letter = InquiryLetter(uuid4(), recipient, ctx.at)
        self.letters.append(letter)
        clock = self._start(ctx, ClockKind.INQUIRY_REPLY, ref=letter.id)
        event = InquiryLetterSent(
            **self._meta(ctx), letter_id=letter.id, reply_due_at=clock.deadline.due_at
        )
        self._done(ctx, Action.SEND_INQUIRY_LETTER, self.state, event, letter_id=str(letter.id))
        return letter.id

    def record_inquiry_reply(self, ctx: ActionContext, *, letter_id: UUID, summary: str) -> None:
        self._begin(ctx, Action.RECORD_INQUIRY_REPLY)
        letter = self._snapshot_letter(letter_id)
        if letter.reply_at is not None:
            raise InvalidCommand("letter_id", "this letter's reply is already recorded")
        summary = required_text("summary", summary)
        self._put_letter(replace(letter, reply_at=ctx.at, reply_summary=summary))
        self._stop_key(ctx.at, f"{ClockKind.INQUIRY_REPLY.value}:{letter_id}")
        event = InquiryReplyReceived(**self._meta(ctx), letter_id=letter_id)
        self._done(ctx, Action.RECORD_INQUIRY_REPLY, self.state, event, letter_id=str(letter_id))

    def close_clarified(
        self, ctx: ActionContext, *, reason: str, approval: Approval | None
    ) -> None:
        """了结澄清: the inquiry cleared the person."""
        approver = self._begin(ctx, Action.CLOSE_CLARIFIED, approval)
        reason = required_text("reason", reason)
        before, self.state, self.plan = self.state, _S.CLARIFIED_CLOSED, reason
        self._settle(ctx)
        event = InquiryClarified(**self._meta(ctx), approved_by=approver)
        self._done(ctx, Action.CLOSE_CLARIFIED, before, event, approved_by=approver)

    def escalate_to_verification(
        self, ctx: ActionContext, *, plan: str, approval: Approval | None
    ) -> None:
        """The inquiry did not clear it: letters still unanswered stop waiting."""
        approver = self._begin(ctx, Action.ESCALATE_TO_VERIFICATION, approval)
        plan = required_text("plan", plan)
        before, self.state = self.state, _S.PRELIMINARY_VERIFICATION
        self.disposition, self.plan = Disposition.PRELIMINARY_VERIFICATION, plan
        self._stop(ctx.at, ClockKind.INQUIRY_REPLY)
        event = InquiryEscalated(**self._meta(ctx), approved_by=approver)
        self._done(ctx, Action.ESCALATE_TO_VERIFICATION, before, event, approved_by=approver)

    def record_verification_result(self, ctx: ActionContext, *, findings: str) -> UUID:
        self._begin(ctx, Action.RECORD_VERIFICATION_RESULT)
        findings = required_text("findings", findings)
        result = VerificationResult(uuid4(), ctx.at, ctx.by.user_id, findings)
        self.verification_results.append(result)
        event = VerificationResultRecorded(**self._meta(ctx), result_id=result.id)
        self._done(
            ctx, Action.RECORD_VERIFICATION_RESULT, self.state, event, result_id=str(result.id)
        )
        return result.id

    def close_no_action(
        self, ctx: ActionContext, *, reason: str, approval: Approval | None
    ) -> None:
        """予以了结 after verification (clarified to the unit) or of a shelved clue later."""
        approver = self._begin(ctx, Action.CLOSE_NO_ACTION, approval)
        reason = required_text("reason", reason)
        before, self.state, self.plan = self.state, _S.CLOSED_NO_ACTION, reason
        self._settle(ctx)
        event = AssignmentClosedNoAction(**self._meta(ctx), approved_by=approver)
        self._done(ctx, Action.CLOSE_NO_ACTION, before, event, approved_by=approver)

    def file_case(self, ctx: ActionContext, *, basis: str, approval: Approval | None) -> None:
        """立案 rests on what the preliminary verification found."""
        approver = self._begin(ctx, Action.FILE_CASE, approval)
        basis = required_text("basis", basis)
        if not self.verification_results:
            raise InvalidCommand("verification_results", "a case is filed on recorded findings")
        before, self.state, self.case_basis = self.state, _S.CASE_FILED, basis
        event = CaseFiled(**self._meta(ctx), approved_by=approver)
        self._done(ctx, Action.FILE_CASE, before, event, approved_by=approver)

    def submit_for_review(self, ctx: ActionContext) -> None:
        """移送审理: the review (Rules Art 55) has its own one-month clock."""
        self._begin(ctx, Action.SUBMIT_FOR_REVIEW)
        before, self.state = self.state, _S.UNDER_REVIEW
        clock = self._start(ctx, ClockKind.CASE_REVIEW)
        event = CaseSubmittedForReview(**self._meta(ctx), review_due_at=clock.deadline.due_at)
        self._done(ctx, Action.SUBMIT_FOR_REVIEW, before, event)

    def conclude(
        self,
        ctx: ActionContext,
        *,
        outcome: Outcome,
        summary_for_release: str,
        approval: Approval | None,
    ) -> None:
        """The outcome and the summary written for release to the sender (审计法 Art 54)."""
        approver = self._begin(ctx, Action.CONCLUDE, approval)
        if outcome not in (possible := OUTCOMES[self.state]):
            names = sorted(o.value for o in possible)
            raise InvalidCommand("outcome", f"{outcome.value} is not possible here: {names}")
        summary = required_text("summary_for_release", summary_for_release, limit=RELEASE_LIMIT)
        before, self.state = self.state, _S.CONCLUDED
        self.outcome, self.summary_for_release = outcome, summary
        self._settle(ctx)
        event = CaseConcluded(
            **self._meta(ctx), outcome=outcome, summary_for_release=summary, approved_by=approver
        )
        details = {"outcome": outcome.value, "approved_by": approver}
        self._done(ctx, Action.CONCLUDE, before, event, **details)
