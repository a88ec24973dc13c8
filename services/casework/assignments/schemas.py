"""HTTP views of assignments; never the ORM rows, never the event contracts."""

from datetime import datetime
from uuid import UUID

from pydantic import BaseModel, ConfigDict

from services.casework.assignments.columns import NO_DUE, deadlines, derived_columns
from services.casework.assignments.details import (
    ClockView,
    LetterView,
    NoteView,
    RectificationItemView,
    TimelineView,
    TransferView,
    VerificationView,
)
from services.casework.assignments.handlers import AssignmentDetail
from services.casework.domain import Assignment, AssignmentState, Disposition, Role
from services.casework.errors import etag
from shared.codes import Category, Channel, Level, Outcome, Rank


class SubjectView(BaseModel):
    """A subject as a caseworker sees it here; the ID-number hash stays with routing."""

    name: str
    unit: str
    position: str | None = None
    rank: Rank
    managing_level: Level
    party_member: bool
    same_level_committee_leader: bool = False

    model_config = ConfigDict(extra="ignore")


class Target(BaseModel):
    body_id: UUID | None = None
    name: str | None = None


class AssignmentView(BaseModel):
    id: UUID
    clue_id: UUID
    body_id: UUID
    role: Role
    state: AssignmentState
    # The ETag of this version; a write sends it back in If-Match.
    etag: str
    version: int
    decision_id: UUID
    stage: int
    receipt_number: str
    category: Category
    channel: Channel
    summary: str
    region: str
    subjects: list[SubjectView]
    assigned_at: datetime
    next_due_at: datetime | None
    overdue: bool
    # A deadline ran out and was escalated to the body's supervisors.
    escalated: bool
    provisional: bool
    disposition: Disposition | None
    outcome: Outcome | None
    handed_off_to: Target | None
    repeat_of_concluded: bool
    allowed_actions: list[str]

    @classmethod
    def fields_of(cls, a: Assignment, *, now: datetime) -> dict[str, object]:
        columns = derived_columns(a)
        handoff = a.handoff
        target = (
            Target(body_id=handoff.target_body_id, name=handoff.target_name) if handoff else None
        )
        running = deadlines(a)
        return {
            "id": a.id,
            "clue_id": a.clue_id,
            "body_id": a.body_id,
            "role": a.role,
            "state": a.state,
            "etag": etag(a.version),
            "version": a.version,
            "decision_id": a.decision_id,
            "stage": a.stage,
            "receipt_number": a.facts.receipt_number,
            "category": Category(a.facts.category),
            "channel": Channel(a.facts.channel),
            "summary": a.facts.summary,
            "region": a.facts.region,
            "subjects": [SubjectView.model_validate(s) for s in a.facts.subjects],
            "assigned_at": a.assigned_at,
            "next_due_at": None if columns["next_due_at"] == NO_DUE else columns["next_due_at"],
            "overdue": any(due <= now for due, _ in running),
            "escalated": columns["escalated_at"] is not None,
            "provisional": columns["provisional"],
            "disposition": a.disposition,
            "outcome": columns["outcome"],
            "handed_off_to": target,
            "repeat_of_concluded": a.repeat_of_concluded,
            "allowed_actions": sorted(a.allowed_actions()),
        }

    @classmethod
    def of(cls, a: Assignment, *, now: datetime) -> "AssignmentView":
        return cls.model_validate(cls.fields_of(a, now=now))


class AssignmentPage(BaseModel):
    items: list[AssignmentView]
    next_cursor: str | None = None
    # Per state, for the caller's body under the same filters (the state filter aside).
    counts: dict[str, int]


class AssignmentDetailView(AssignmentView):
    """One assignment: the clue, its own work, the notes it may read, its timeline, its clocks."""

    clocks: list[ClockView]
    timeline: list[TimelineView]
    notes: list[NoteView]
    plan: str | None
    return_reason: str | None
    case_basis: str | None
    summary_for_release: str | None
    letters: list[LetterView]
    verification_results: list[VerificationView]
    rectification_items: list[RectificationItemView]
    transfers: list[TransferView]
    reactivated_by: list[UUID]
    assigned_down: bool
    real_name_report: bool
    handoff_of: UUID | None
    from_body_id: UUID | None
    part: str | None

    @classmethod
    def of_detail(cls, d: AssignmentDetail, *, now: datetime) -> "AssignmentDetailView":
        a = d.assignment
        return cls.model_validate(
            {
                **cls.fields_of(a, now=now),
                "clocks": [ClockView.of(c, now=now) for c in a.clocks if c.live],
                "timeline": [TimelineView.of(link) for link in d.timeline],
                "notes": [NoteView.of(n) for n in d.notes],
                "plan": a.plan,
                "return_reason": a.return_reason,
                "case_basis": a.case_basis,
                "summary_for_release": a.summary_for_release,
                "letters": [LetterView.of(x) for x in a.letters],
                "verification_results": [VerificationView.of(x) for x in a.verification_results],
                "rectification_items": [RectificationItemView.of(x) for x in a.rectification_items],
                "transfers": [TransferView.of(x) for x in a.transfers],
                "reactivated_by": a.reactivated_by,
                "assigned_down": a.facts.assigned_down,
                "real_name_report": a.facts.reporter_real_name,
                "handoff_of": a.facts.handoff_of,
                "from_body_id": a.facts.from_body_id,
                "part": a.facts.part,
            }
        )
