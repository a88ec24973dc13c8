"""HTTP views of what an assignment holds: clocks, timeline, notes and the records of its work."""

from datetime import date, datetime
from typing import Any
from uuid import UUID

from pydantic import BaseModel

from services.casework.audit.chain import Link
from services.casework.domain import Clock, ClockKind, HandoffKind, Note, NoteVisibility, Transfer
from services.casework.domain.values import InquiryLetter, RectificationItem, VerificationResult


class ExtensionView(BaseModel):
    at: datetime
    reason: str
    approved_by: str
    due_at: datetime


class ClockView(BaseModel):
    key: str
    kind: ClockKind
    started_at: datetime
    due_on: date
    due_at: datetime
    # Counted over a year whose official calendar is not loaded yet: weekends only there.
    provisional: bool
    running: bool
    paused: bool
    remaining_working_days: int | None
    overdue: bool
    escalated: bool
    extensions: list[ExtensionView]

    @classmethod
    def of(cls, c: Clock, *, now: datetime) -> "ClockView":
        return cls(
            key=c.key,
            kind=c.kind,
            started_at=c.started_at,
            due_on=c.deadline.due_on,
            due_at=c.deadline.due_at,
            provisional=c.deadline.provisional,
            running=c.running,
            paused=c.paused_at is not None,
            remaining_working_days=c.remaining_days,
            overdue=c.is_overdue(now),
            escalated=c.overdue_reported,
            extensions=[
                ExtensionView(at=e.at, reason=e.reason, approved_by=e.approved_by, due_at=e.due_at)
                for e in c.extensions
            ],
        )


class TimelineView(BaseModel):
    seq: int
    at: datetime
    actor: str
    action: str
    before: dict[str, Any]
    after: dict[str, Any]
    details: dict[str, str]

    @classmethod
    def of(cls, link: Link) -> "TimelineView":
        e = link.entry
        return cls(
            seq=e.seq,
            at=e.at,
            actor=e.actor,
            action=e.action,
            before=e.before,
            after=e.after,
            details=e.details,
        )


class NoteView(BaseModel):
    id: UUID
    body_id: UUID
    author: str
    at: datetime
    text: str
    visibility: NoteVisibility

    @classmethod
    def of(cls, n: Note) -> "NoteView":
        return cls(
            id=n.id,
            body_id=n.body_id,
            author=n.author,
            at=n.at,
            text=n.text,
            visibility=n.visibility,
        )


class LetterView(BaseModel):
    id: UUID
    recipient: str
    sent_at: datetime
    reply_at: datetime | None
    reply_summary: str | None

    @classmethod
    def of(cls, x: InquiryLetter) -> "LetterView":
        return cls(
            id=x.id,
            recipient=x.recipient,
            sent_at=x.sent_at,
            reply_at=x.reply_at,
            reply_summary=x.reply_summary,
        )


class VerificationView(BaseModel):
    id: UUID
    at: datetime
    by: str
    findings: str

    @classmethod
    def of(cls, x: VerificationResult) -> "VerificationView":
        return cls(id=x.id, at=x.at, by=x.by, findings=x.findings)


class RectificationItemView(BaseModel):
    id: UUID
    description: str
    owner: str
    due_on: date
    completed_at: datetime | None
    report: str | None
    overdue_reported: bool

    @classmethod
    def of(cls, x: RectificationItem) -> "RectificationItemView":
        return cls(
            id=x.id,
            description=x.description,
            owner=x.owner,
            due_on=x.due_on,
            completed_at=x.completed_at,
            report=x.report,
            overdue_reported=x.overdue_reported,
        )


class TransferView(BaseModel):
    id: UUID
    kind: HandoffKind
    target_body_id: UUID | None
    target_name: str | None
    at: datetime
    reason: str
    transferred_part: str | None
    kept_part: str | None

    @classmethod
    def of(cls, x: Transfer) -> "TransferView":
        return cls(
            id=x.id,
            kind=x.kind,
            target_body_id=x.target_body_id,
            target_name=x.target_name,
            at=x.at,
            reason=x.reason,
            transferred_part=x.transferred_part,
            kept_part=x.kept_part,
        )
