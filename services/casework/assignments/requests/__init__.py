"""The body of `POST /v1/assignments/{id}/actions`: one typed action, named as a 409 names it
(the domain's `Action` values)."""

from typing import Annotated

from pydantic import Field

from services.casework.assignments.requests.aftercare import (
    AddNoteAction,
    AddRectificationItemAction,
    CloseAction,
    CompleteRectificationItemAction,
    ExtendClockAction,
    HandOffAction,
    RecordReporterNoticeAction,
    SplitAction,
    StartRectificationAction,
)
from services.casework.assignments.requests.lifecycle import (
    AcceptAction,
    CloseClarifiedAction,
    CloseNoActionAction,
    ConcludeAction,
    DisposeAction,
    EscalateAction,
    FileCaseAction,
    RecordInquiryReplyAction,
    RecordVerificationAction,
    ReturnAction,
    SendInquiryLetterAction,
    SubmitForReviewAction,
)

ActionRequest = Annotated[
    AcceptAction
    | ReturnAction
    | DisposeAction
    | SendInquiryLetterAction
    | RecordInquiryReplyAction
    | CloseClarifiedAction
    | EscalateAction
    | RecordVerificationAction
    | CloseNoActionAction
    | FileCaseAction
    | SubmitForReviewAction
    | ConcludeAction
    | StartRectificationAction
    | AddRectificationItemAction
    | CompleteRectificationItemAction
    | CloseAction
    | HandOffAction
    | SplitAction
    | AddNoteAction
    | ExtendClockAction
    | RecordReporterNoticeAction,
    Field(discriminator="action"),
]
