"""The assignment's state and the checks every command makes before it changes anything.

A command first calls `_begin` (the actor's body, the state, the approval), then validates its
fields, and only then changes the aggregate and calls `_done`, which bumps `version` by one and
appends the events and one timeline entry. So a refused command changes nothing.
"""

from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TypedDict
from uuid import UUID

from services.casework.domain.clocks import REPORTER_NOTICES, Clock, ClockKind, stopped
from services.casework.domain.errors import (
    ApprovalRequired,
    AssignmentNotFound,
    IllegalTransition,
    InvalidCommand,
    StaleVersion,
)
from services.casework.domain.events import DomainEvent
from services.casework.domain.states import (
    ACTIONS,
    NEEDS_APPROVAL,
    Action,
    AssignmentState,
    Disposition,
    Role,
    allowed_actions,
)
from services.casework.domain.values import (
    ActionContext,
    Approval,
    ClueFacts,
    HandoffKind,
    InquiryLetter,
    Note,
    RectificationItem,
    ReporterNotice,
    TimelineEntry,
    Transfer,
    VerificationResult,
)
from shared.codes import Outcome
from shared.workdays import Deadline

MAX_TEXT = 4000


class EventMeta(TypedDict):
    assignment_id: UUID
    clue_id: UUID
    body_id: UUID
    occurred_at: datetime
    by: str
    decision_id: UUID
    role: Role
    stage: int
    version: int


def required_text(field_name: str, value: str | None, *, limit: int = MAX_TEXT) -> str:
    if value is None or not value.strip():
        raise InvalidCommand(field_name, "is required")
    if len(value) > limit:
        raise InvalidCommand(field_name, f"is longer than {limit} characters")
    return value


@dataclass(eq=False)
class AssignmentBase:
    id: UUID
    clue_id: UUID
    body_id: UUID
    role: Role
    state: AssignmentState
    facts: ClueFacts
    decision_id: UUID
    assigned_at: datetime
    version: int = 1
    clocks: list[Clock] = field(default_factory=list)
    disposition: Disposition | None = None
    plan: str | None = None
    return_reason: str | None = None
    letters: list[InquiryLetter] = field(default_factory=list)
    verification_results: list[VerificationResult] = field(default_factory=list)
    case_basis: str | None = None
    outcome: Outcome | None = None
    summary_for_release: str | None = None
    rectification_items: list[RectificationItem] = field(default_factory=list)
    transfers: list[Transfer] = field(default_factory=list)
    reactivated_by: list[UUID] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    notices_recorded: list[ReporterNotice] = field(default_factory=list)
    timeline: list[TimelineEntry] = field(default_factory=list)
    events: list[DomainEvent] = field(default_factory=list, repr=False)
    stage: int = 1
    body_name: str | None = None
    # Routing linked this clue to a concluded matter about the same subject (予以了结 to consider).
    repeat_of_concluded: bool = False

    @property
    def sign_for(self) -> Deadline:
        return self.clock(ClockKind.SIGN_FOR.value).deadline

    @property
    def handed_off_to(self) -> UUID | None:
        handoff = self.handoff
        return handoff.target_body_id if handoff else None

    @property
    def handoff(self) -> Transfer | None:
        """The transfer of the whole clue, once it is handed off."""
        whole = [t for t in self.transfers if t.kind is HandoffKind.WHOLE]
        return whole[-1] if whole else None

    def expect_version(self, seen: Collection[int]) -> None:
        """Optimistic concurrency: the caller saw one of `seen`; any other version is refused."""
        if self.version not in seen:
            raise StaleVersion(max(seen, default=0), self.version)

    def clock(self, key: str) -> Clock:
        for clock in self.clocks:
            if clock.key == key:
                return clock
        raise KeyError(key)

    def running_clocks(self) -> list[Clock]:
        return [c for c in self.clocks if c.running]

    def allowed_actions(self) -> frozenset[Action]:
        return allowed_actions(self.state)

    def collect_events(self) -> list[DomainEvent]:
        """Hands the events to the unit of work, once."""
        events, self.events = self.events, []
        return events

    def _begin(self, ctx: ActionContext, action: Action, approval: Approval | None = None) -> str:
        """Checks who may do this now; returns the approver's id ('' when none is needed)."""
        if ctx.by.body_id != self.body_id:
            raise AssignmentNotFound(str(self.id))
        if self.state not in ACTIONS[action][0]:
            raise IllegalTransition(action.value, self.state.value, self.allowed_actions())
        if action not in NEEDS_APPROVAL:
            return ""
        if approval is None:
            raise ApprovalRequired(action.value, "no approval was given")
        if not approval.approver.is_supervisor:
            raise ApprovalRequired(action.value, "the approver is not a supervisor")
        if approval.approver.body_id != self.body_id:
            raise ApprovalRequired(action.value, "the approver is not of this body")
        return approval.approver.user_id

    def _done(
        self,
        ctx: ActionContext,
        action: Action,
        before: AssignmentState,
        *events: DomainEvent,
        **details: str,
    ) -> None:
        self._record(ctx.at, ctx.by.user_id, action.value, before, events, details)

    def _record(
        self,
        at: datetime,
        actor: str,
        action: str,
        before: AssignmentState,
        events: Iterable[DomainEvent],
        details: dict[str, str],
    ) -> None:
        self.version += 1
        self.events.extend(events)
        self.timeline.append(
            TimelineEntry(at, actor, action, before.value, self.state.value, details)
        )

    def _meta(self, ctx: ActionContext) -> EventMeta:
        return self._meta_at(ctx.at, ctx.by.user_id)

    def _meta_at(self, at: datetime, by: str) -> EventMeta:
        # Every command is one change (`_record` adds exactly 1), so its events report the next.
        return {
            "assignment_id": self.id,
            "clue_id": self.clue_id,
            "body_id": self.body_id,
            "occurred_at": at,
            "by": by,
            "decision_id": self.decision_id,
            "role": self.role,
            "stage": self.stage,
            "version": self.version + 1,
        }

    def _start(self, ctx: ActionContext, kind: ClockKind, *, ref: object | None = None) -> Clock:
        clock = ctx.timekeeper.start(kind, ctx.at, ref=ref)
        self.clocks.append(clock)
        return clock

    def _put(self, clock: Clock) -> None:
        self.clocks = [clock if c.key == clock.key else c for c in self.clocks]

    def _stop(self, at: datetime, *kinds: ClockKind) -> None:
        self.clocks = [stopped(c, at) if c.live and c.kind in kinds else c for c in self.clocks]

    def _stop_key(self, at: datetime, key: str) -> None:
        self.clocks = [stopped(c, at) if c.live and c.key == key else c for c in self.clocks]

    def _stop_all(self, at: datetime, *, keep: frozenset[ClockKind] = frozenset()) -> None:
        self.clocks = [stopped(c, at) if c.live and c.kind not in keep else c for c in self.clocks]

    def _settle(self, ctx: ActionContext) -> None:
        """The matter is decided: its clocks stop and a real-name reporter is owed the result."""
        self._stop_all(ctx.at, keep=REPORTER_NOTICES)
        if self.facts.reporter_real_name:
            self._start(ctx, ClockKind.REPORTER_RESULT_NOTICE)

    def _pause(self, ctx: ActionContext, kind: ClockKind) -> None:
        for clock in self.clocks:
            if clock.running and clock.kind is kind:
                self._put(ctx.timekeeper.paused(clock, ctx.at))

    def _resume(self, ctx: ActionContext, kind: ClockKind) -> None:
        for clock in self.clocks:
            if clock.live and clock.paused_at is not None and clock.kind is kind:
                self._put(ctx.timekeeper.resumed(clock, ctx.at))

    def _snapshot_letter(self, letter_id: UUID) -> InquiryLetter:
        for letter in self.letters:
            if letter.id == letter_id:
                return letter
        raise InvalidCommand("letter_id", "no inquiry letter of this assignment has this id")

    def _put_letter(self, letter: InquiryLetter) -> None:
        self.letters = [letter if x.id == letter.id else x for x in self.letters]

    def _item(self, item_id: UUID) -> RectificationItem:
        for item in self.rectification_items:
            if item.id == item_id:
                return item
        raise InvalidCommand("item_id", "no rectification item of this assignment has this id")

    def _put_item(self, item: RectificationItem) -> None:
        self.rectification_items = [
            item if x.id == item.id else x for x in self.rectification_items
        ]
