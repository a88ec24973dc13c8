"""Extending a clock, finding the clocks that ran out, recounting provisional ones."""

from dataclasses import replace
from datetime import datetime

from services.casework.domain.aggregate import AssignmentBase, required_text
from services.casework.domain.clocks import Clock, Timekeeper
from services.casework.domain.errors import InvalidCommand
from services.casework.domain.events import (
    AssignmentOverdue,
    DeadlineExtended,
    DeadlineRecomputed,
    DomainEvent,
    RectificationItemOverdue,
)
from services.casework.domain.states import Action, AssignmentState
from services.casework.domain.values import SUPERVISOR, SYSTEM, ActionContext, Approval
from shared.workdays import end_of


class Timekeeping(AssignmentBase):
    def extend_clock(
        self, ctx: ActionContext, *, clock: str, reason: str, approval: Approval | None
    ) -> None:
        """One more period of the clock's rule, with a reason and a supervisor, on the record."""
        approver = self._begin(ctx, Action.EXTEND_CLOCK, approval)
        reason = required_text("reason", reason, limit=1000)
        current = self._extendable(clock, ctx.timekeeper)
        longer = ctx.timekeeper.extended(current, at=ctx.at, reason=reason, approved_by=approver)
        self._put(longer)
        event = DeadlineExtended(
            **self._meta(ctx),
            clock=clock,
            kind=longer.kind,
            due_at=longer.deadline.due_at,
            provisional=longer.deadline.provisional,
            approved_by=approver,
        )
        due = longer.deadline.due_at.isoformat()
        details = {"clock": clock, "due_at": due, "reason": reason}
        self._done(ctx, Action.EXTEND_CLOCK, self.state, event, approved_by=approver, **details)

    def check_overdue(self, now: datetime) -> list[DomainEvent]:
        """Each running clock that ran out, and each open item past due, reported once."""
        events = [*self._clocks_run_out(now), *self._items_past_due(now)]
        if events:
            self._record(now, SYSTEM, "overdue", self.state, events, {"count": str(len(events))})
        return events

    def _clocks_run_out(self, now: datetime) -> list[DomainEvent]:
        events: list[DomainEvent] = []
        for c in self.clocks:
            if c.is_overdue(now) and not c.overdue_reported:
                self._put(replace(c, overdue_reported=True))
                due = c.deadline.due_at
                meta = self._meta_at(now, SYSTEM)
                event = AssignmentOverdue(
                    **meta, clock=c.key, kind=c.kind, due_at=due, escalate_to=SUPERVISOR
                )
                events.append(event)
        return events

    def _items_past_due(self, now: datetime) -> list[DomainEvent]:
        if self.state is not AssignmentState.RECTIFICATION:
            return []
        events: list[DomainEvent] = []
        for item in self.rectification_items:
            if item.completed_at or item.overdue_reported or now < end_of(item.due_on):
                continue
            self._put_item(replace(item, overdue_reported=True))
            meta = self._meta_at(now, SYSTEM)
            event = RectificationItemOverdue(
                **meta, item_id=item.id, due_on=item.due_on, escalate_to=SUPERVISOR
            )
            events.append(event)
        return events

    def recompute_clocks(self, timekeeper: Timekeeper, *, now: datetime) -> list[str]:
        """After a calendar year is loaded: the running clocks whose deadline moved or firmed."""
        changed: list[Clock] = []
        for c in self.clocks:
            if c.running and c.deadline.provisional:
                recounted = timekeeper.recounted(c)
                if recounted != c:
                    self._put(recounted)
                    changed.append(recounted)
        if changed:
            meta = self._meta_at(now, SYSTEM)
            events = [
                DeadlineRecomputed(
                    **meta,
                    clock=c.key,
                    kind=c.kind,
                    due_at=c.deadline.due_at,
                    provisional=c.deadline.provisional,
                )
                for c in changed
            ]
            details = {"clocks": " ".join(c.key for c in changed)}
            self._record(now, SYSTEM, "recompute_clocks", self.state, events, details)
        return [c.key for c in changed]

    def overdue_clocks(self, now: datetime) -> list[Clock]:
        return [c for c in self.clocks if c.is_overdue(now)]

    def _extendable(self, key: str, timekeeper: Timekeeper) -> Clock:
        try:
            current = self.clock(key)
        except KeyError:
            raise InvalidCommand("clock", "this assignment has no such clock") from None
        if not current.running:
            raise InvalidCommand("clock", f"{key} is not running")
        if not timekeeper.can_extend(current):
            raise InvalidCommand("clock", f"{key} has had every extension its rule allows")
        return current
