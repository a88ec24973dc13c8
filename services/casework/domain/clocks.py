"""The clocks of DOMAIN.md "Deadlines": their limits (configuration, never constants in the
aggregate) and how a clock starts, stops, pauses, resumes, is extended and recomputed.

A clock counts from `basis_at` through each limit of `basis` in turn (the rule's limit, then one
per extension) on the working-day calendar. A paused clock keeps the working days it had left and
resumes with exactly those. A clock whose deadline is provisional (a year not loaded) is
recomputed from the same basis when a calendar with more years is given.
"""

from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum

from shared.workdays import Deadline, WorkingCalendar, start_of


class ClockKind(StrEnum):
    SIGN_FOR = "sign_for"
    FORWARD = "forward"
    HANDLING_OPINION = "handling_opinion"
    INQUIRY_REPLY = "inquiry_reply"
    ASSIGNED_DOWN = "assigned_down"
    REPORTER_ACCEPTANCE_NOTICE = "reporter_acceptance_notice"
    REPORTER_RESULT_NOTICE = "reporter_result_notice"
    CASE_REVIEW = "case_review"
    RECTIFICATION = "rectification"


REPORTER_NOTICES = frozenset(
    {ClockKind.REPORTER_ACCEPTANCE_NOTICE, ClockKind.REPORTER_RESULT_NOTICE}
)


@dataclass(frozen=True)
class WorkingDays:
    days: int


@dataclass(frozen=True)
class Months:
    months: int


Limit = WorkingDays | Months


@dataclass(frozen=True)
class ClockRule:
    limit: Limit
    # One extension adds this much (the limit again when None), at most `max_extensions` times.
    extension: Limit | None = None
    max_extensions: int = 1

    @property
    def step(self) -> Limit:
        return self.extension or self.limit


@dataclass(frozen=True)
class ClockPolicy:
    """Defaults of DOMAIN.md; a deployment overrides any rule (`ClockPolicy(sign_for=...)`)."""

    sign_for: ClockRule = ClockRule(WorkingDays(3))
    forward: ClockRule = ClockRule(WorkingDays(5))
    handling_opinion: ClockRule = ClockRule(Months(1))
    inquiry_reply: ClockRule = ClockRule(WorkingDays(15))
    assigned_down: ClockRule = ClockRule(Months(3), extension=Months(3), max_extensions=1)
    reporter_acceptance_notice: ClockRule = ClockRule(WorkingDays(15))
    reporter_result_notice: ClockRule = ClockRule(WorkingDays(15))
    case_review: ClockRule = ClockRule(Months(1))
    rectification: ClockRule = ClockRule(Months(2))

    def rule(self, kind: ClockKind) -> ClockRule:
        rule: ClockRule = getattr(self, kind.value)
        return rule


@dataclass(frozen=True)
class Extension:
    at: datetime
    reason: str
    approved_by: str
    step: Limit
    due_at: datetime


@dataclass(frozen=True)
class Clock:
    key: str  # the kind, or kind:ref where one assignment runs several (one per letter)
    kind: ClockKind
    started_at: datetime
    basis_at: datetime
    basis: tuple[Limit, ...]
    deadline: Deadline
    stopped_at: datetime | None = None
    paused_at: datetime | None = None
    remaining_days: int | None = None  # working days left, while paused
    extensions: tuple[Extension, ...] = ()
    overdue_reported: bool = False

    @property
    def running(self) -> bool:
        return self.stopped_at is None and self.paused_at is None

    @property
    def live(self) -> bool:
        """Running or paused: not stopped for good."""
        return self.stopped_at is None

    def is_overdue(self, now: datetime) -> bool:
        return self.running and self.deadline.is_overdue(now)


@dataclass(frozen=True)
class Timekeeper:
    """The calendar and the policy every clock of an assignment is counted with."""

    calendar: WorkingCalendar
    policy: ClockPolicy = field(default_factory=ClockPolicy)

    def start(self, kind: ClockKind, at: datetime, *, ref: object | None = None) -> Clock:
        basis = (self.policy.rule(kind).limit,)
        key = kind.value if ref is None else f"{kind.value}:{ref}"
        return Clock(key, kind, at, at, basis, self.count(at, basis))

    def count(self, basis_at: datetime, basis: tuple[Limit, ...]) -> Deadline:
        deadline = self._one(basis_at, basis[0])
        for step in basis[1:]:
            deadline = deadline.merged(self._one(start_of(deadline.due_on), step))
        return deadline

    def can_extend(self, clock: Clock) -> bool:
        return len(clock.extensions) < self.policy.rule(clock.kind).max_extensions

    def extended(self, clock: Clock, *, at: datetime, reason: str, approved_by: str) -> Clock:
        step = self.policy.rule(clock.kind).step
        basis = (*clock.basis, step)
        deadline = self.count(clock.basis_at, basis)
        extension = Extension(at, reason, approved_by, step, deadline.due_at)
        return replace(
            clock,
            basis=basis,
            deadline=deadline,
            extensions=(*clock.extensions, extension),
            overdue_reported=False,
        )

    def paused(self, clock: Clock, at: datetime) -> Clock:
        left = self.calendar.working_days_between(at, start_of(clock.deadline.due_on))
        return replace(clock, paused_at=at, remaining_days=left)

    def resumed(self, clock: Clock, at: datetime) -> Clock:
        basis: tuple[Limit, ...] = (WorkingDays(clock.remaining_days or 0),)
        return replace(
            clock,
            basis_at=at,
            basis=basis,
            deadline=self.count(at, basis),
            paused_at=None,
            remaining_days=None,
            overdue_reported=False,
        )

    def recounted(self, clock: Clock) -> Clock:
        deadline = self.count(clock.basis_at, clock.basis)
        if deadline == clock.deadline:
            return clock
        moved = deadline.due_at != clock.deadline.due_at
        return replace(
            clock, deadline=deadline, overdue_reported=clock.overdue_reported and not moved
        )

    def _one(self, start: datetime, limit: Limit) -> Deadline:
        if isinstance(limit, WorkingDays):
            return self.calendar.add_working_days(start, limit.days)
        return self.calendar.add_months(start, limit.months)


def stopped(clock: Clock, at: datetime) -> Clock:
    return replace(clock, stopped_at=at)
