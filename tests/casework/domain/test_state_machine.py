"""Random sequences of commands, good and bad, keep the aggregate's invariants."""

import copy
from datetime import datetime, timedelta
from typing import Any

from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from services.casework.domain import (
    TERMINAL,
    Action,
    Actor,
    Approval,
    ApprovalRequired,
    Assignment,
    AssignmentNotFound,
    AssignmentState,
    CaseworkError,
    Disposition,
    IllegalTransition,
    allowed_actions,
)
from services.casework.domain.clocks import REPORTER_NOTICES
from tests.casework.domain.builders import (
    APPROVED,
    BODY,
    KEEPER,
    KEEPER_2027,
    NOW,
    OTHER_BODY,
    SUPERVISOR,
    S,
    ctx,
    new,
    perform,
)

# Weighted towards valid calls, so that random runs get deep into the lifecycle.
APPROVALS = [
    *[APPROVED] * 6,
    None,
    Approval(Actor("caseworker-2", BODY, frozenset({"caseworker"}))),
    Approval(Actor("supervisor-9", OTHER_BODY, frozenset({"supervisor"}))),
]
ACTORS = [*[ctx().by] * 4, SUPERVISOR, Actor("caseworker-9", OTHER_BODY, frozenset({"caseworker"}))]
# Before 2027 is loaded (provisional clocks appear) and after (they firm up).
START = NOW + timedelta(days=60)


SHORTCUTS = {Action.RETURN, Action.HAND_OFF, Action.CLOSE_NO_ACTION, Action.CLOSE_CLARIFIED}


def snapshot(a: Assignment) -> dict[str, Any]:
    return copy.deepcopy(vars(a))


class AssignmentMachine(RuleBasedStateMachine):
    a: Assignment
    now: datetime
    successes: int
    terminal: AssignmentState | None

    @initialize(assigned_down=st.booleans(), real_name=st.booleans())
    def assigned(self, assigned_down: bool, real_name: bool) -> None:
        self.now = START
        self.a = new(at=self.now, assigned_down=assigned_down, reporter_real_name=real_name)
        self.successes, self.terminal = 0, None
        self.keeper = KEEPER

    @rule(
        action=st.sampled_from(sorted(Action)),
        approval=st.sampled_from(APPROVALS),
        actor=st.sampled_from(ACTORS),
        hours=st.integers(0, 24 * 20),
    )
    def command(self, action: Action, approval: Approval | None, actor: Actor, hours: int) -> None:
        self.now += timedelta(hours=hours)
        before, state = snapshot(self.a), self.a.state
        try:
            perform(action, self.a, ctx(self.now, by=actor, keeper=self.keeper), approval)
        except CaseworkError as refused:
            assert snapshot(self.a) == before, f"{action} refused with {refused!r} changed state"
            self._check_refusal(refused, action, state, actor)
            return
        assert actor.body_id == BODY
        assert action in allowed_actions(state)
        self.successes += 1
        event(f"reached {self.a.state}")

    def _check_refusal(
        self, refused: CaseworkError, action: Action, state: AssignmentState, actor: Actor
    ) -> None:
        if isinstance(refused, AssignmentNotFound):
            assert actor.body_id != BODY
        elif isinstance(refused, IllegalTransition):
            assert action not in allowed_actions(state)
            assert refused.allowed == tuple(sorted(allowed_actions(state)))
        elif isinstance(refused, ApprovalRequired):
            assert action in allowed_actions(state)

    @rule(data=st.data(), hours=st.integers(0, 24 * 20))
    def an_allowed_action(self, data: st.DataObject, hours: int) -> None:
        """Mostly the way forward: the endings that cut a run short are drawn less often."""
        allowed = sorted(allowed_actions(self.a.state))
        if not allowed:
            return
        weighted = [a for a in allowed for _ in range(1 if a in SHORTCUTS else 4)]
        action = data.draw(st.sampled_from(weighted))
        self.command(action, APPROVED, ctx().by, hours)

    @rule(disposition=st.sampled_from(sorted(Disposition)), hours=st.integers(0, 24 * 20))
    def a_disposition(self, disposition: Disposition, hours: int) -> None:
        self.now += timedelta(hours=hours)
        if self.a.state is not S.ACCEPTED:
            return
        self.a.dispose(ctx(self.now), disposition=disposition, plan="处置", approval=APPROVED)
        self.successes += 1

    @rule(hours=st.integers(0, 24 * 60))
    def time_passes_and_overdue_is_checked(self, hours: int) -> None:
        self.now += timedelta(hours=hours)
        version = self.a.version
        found = self.a.check_overdue(self.now)
        assert self.a.version == version + (1 if found else 0)
        self.successes += 1 if found else 0
        assert self.a.check_overdue(self.now) == []

    @rule()
    def year_2027_is_loaded(self) -> None:
        version = self.a.version
        self.keeper = KEEPER_2027
        changed = self.a.recompute_clocks(KEEPER_2027, now=self.now)
        assert self.a.version == version + (1 if changed else 0)
        self.successes += 1 if changed else 0
        assert not [
            c
            for c in self.a.running_clocks()
            if c.deadline.provisional
            and 2027 in c.deadline.depends_on
            and max(c.deadline.depends_on) <= 2027
        ]

    @invariant()
    def version_counts_every_change_and_nothing_else(self) -> None:
        assert self.a.version == 1 + self.successes
        assert len(self.a.timeline) == self.a.version

    @invariant()
    def nothing_leaves_a_terminal_state(self) -> None:
        if self.terminal is not None:
            assert self.a.state is self.terminal
        elif self.a.state in TERMINAL:
            self.terminal = self.a.state

    @invariant()
    def a_conclusion_has_an_outcome_and_a_releasable_summary(self) -> None:
        if self.a.state in {S.CONCLUDED, S.RECTIFICATION, S.CLOSED}:
            assert self.a.outcome is not None and self.a.summary_for_release

    @invariant()
    def closed_means_every_item_done_and_no_clock_but_a_notice(self) -> None:
        if self.a.state is S.CLOSED:
            assert all(i.completed_at for i in self.a.rectification_items)
        if self.a.state in TERMINAL:
            assert {c.kind for c in self.a.clocks if c.live} <= REPORTER_NOTICES
        if self.a.state in {S.RETURNED, S.HANDED_OFF}:
            assert not [c for c in self.a.clocks if c.live]

    @invariant()
    def clock_keys_are_unique_and_deadlines_follow_their_start(self) -> None:
        keys = [c.key for c in self.a.clocks]
        assert len(keys) == len(set(keys))
        for c in self.a.clocks:
            assert c.deadline.due_at > c.basis_at

    @invariant()
    def handed_off_names_its_target(self) -> None:
        assert (self.a.state is S.HANDED_OFF) == (self.a.handed_off_to is not None)


AssignmentMachine.TestCase.settings = settings(
    max_examples=200,
    stateful_step_count=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
TestAssignmentMachine = AssignmentMachine.TestCase
