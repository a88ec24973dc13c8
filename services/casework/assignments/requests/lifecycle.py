"""Actions from signing for a clue to its conclusion."""

from typing import Literal
from uuid import UUID

from services.casework.assignments import commands as c
from services.casework.assignments.requests.base import (
    ActionBody,
    Name,
    Prose,
    Reason,
    Release,
    example,
)
from services.casework.domain import Disposition
from shared.codes import Outcome


class AcceptAction(ActionBody):
    model_config = example(action="accept")
    action: Literal["accept"]

    def step(self) -> c.Step:
        return c.Accept()


class ReturnAction(ActionBody):
    model_config = example(action="return", reason="不属于本机关管辖，请重新分办")
    action: Literal["return"]
    reason: Reason

    def step(self) -> c.Step:
        return c.Return(reason=self.reason)


class DisposeAction(ActionBody):
    model_config = example(action="dispose", disposition="inquiry", plan="函询本人说明情况")
    action: Literal["dispose"]
    disposition: Disposition
    plan: Prose

    def step(self) -> c.Step:
        return c.Dispose(disposition=self.disposition, plan=self.plan)


class SendInquiryLetterAction(ActionBody):
    model_config = example(action="send_inquiry_letter", recipient="张三")
    action: Literal["send_inquiry_letter"]
    recipient: Name

    def step(self) -> c.Step:
        return c.SendInquiryLetter(recipient=self.recipient)


class RecordInquiryReplyAction(ActionBody):
    model_config = example(
        action="record_inquiry_reply",
        letter_id="0b6f8a52-3f0e-4c43-a1de-6f6a4f0c9d21",
        summary="本人书面说明了资金用途",
    )
    action: Literal["record_inquiry_reply"]
    letter_id: UUID
    summary: Prose

    def step(self) -> c.Step:
        return c.RecordInquiryReply(letter_id=self.letter_id, summary=self.summary)


class CloseClarifiedAction(ActionBody):
    model_config = example(action="close_clarified", reason="说明属实，予以澄清")
    action: Literal["close_clarified"]
    reason: Prose

    def step(self) -> c.Step:
        return c.CloseClarified(reason=self.reason)


class EscalateAction(ActionBody):
    model_config = example(action="escalate_to_verification", plan="说明不实，转初步核实")
    action: Literal["escalate_to_verification"]
    plan: Prose

    def step(self) -> c.Step:
        return c.EscalateToVerification(plan=self.plan)


class RecordVerificationAction(ActionBody):
    model_config = example(action="record_verification_result", findings="查实部分资金被挪用")
    action: Literal["record_verification_result"]
    findings: Prose

    def step(self) -> c.Step:
        return c.RecordVerificationResult(findings=self.findings)


class CloseNoActionAction(ActionBody):
    model_config = example(action="close_no_action", reason="反映问题不实，予以了结")
    action: Literal["close_no_action"]
    reason: Prose

    def step(self) -> c.Step:
        return c.CloseNoAction(reason=self.reason)


class FileCaseAction(ActionBody):
    model_config = example(action="file_case", basis="涉嫌违反廉洁纪律，予以立案审查")
    action: Literal["file_case"]
    basis: Prose

    def step(self) -> c.Step:
        return c.FileCase(basis=self.basis)


class SubmitForReviewAction(ActionBody):
    model_config = example(action="submit_for_review")
    action: Literal["submit_for_review"]

    def step(self) -> c.Step:
        return c.SubmitForReview()


class ConcludeAction(ActionBody):
    model_config = example(
        action="conclude", outcome="form_2", summary_for_release="经审查，给予党内警告处分。"
    )
    action: Literal["conclude"]
    outcome: Outcome
    # Written for release to the referring agency (审计法 Art 54): never investigative notes.
    summary_for_release: Release

    def step(self) -> c.Step:
        return c.Conclude(outcome=self.outcome, summary_for_release=self.summary_for_release)
