"""Every action in every state: allowed ones succeed once, the others are refused unchanged."""

import copy
from typing import Any

import pytest

from services.casework.domain import (
    ACTIONS,
    TERMINAL,
    TRANSITIONS,
    Action,
    Assignment,
    AssignmentState,
    IllegalTransition,
    allowed_actions,
    can_move,
)
from tests.casework.domain.builders import PATHS, PERFORM, S, ctx, reach

PAIRS = [(state, action) for state in AssignmentState for action in Action]
ALLOWED = [(s, a) for s, a in PAIRS if a in allowed_actions(s)]
REFUSED = [(s, a) for s, a in PAIRS if a not in allowed_actions(s)]


def snapshot(a: Assignment) -> dict[str, Any]:
    return copy.deepcopy(vars(a))


def prepared(state: AssignmentState, action: Action) -> Assignment:
    a = reach(state)
    if (state, action) == (S.RECTIFICATION, Action.CLOSE):
        PERFORM[Action.COMPLETE_RECTIFICATION_ITEM](a, ctx())
        a.collect_events()
    return a


class TestAllowedActions:
    @pytest.mark.parametrize(("state", "action"), ALLOWED, ids=[f"{s}-{a}" for s, a in ALLOWED])
    def test_succeeds_once_with_one_version_events_and_a_timeline_entry(
        self, state: AssignmentState, action: Action
    ) -> None:
        a = prepared(state, action)
        version, entries = a.version, len(a.timeline)
        PERFORM[action](a, ctx())
        assert a.version == version + 1
        assert len(a.timeline) == entries + 1
        assert a.timeline[-1].action == action.value
        assert a.timeline[-1].before == state.value
        assert a.timeline[-1].after == a.state.value
        assert a.events, "a successful command raises at least one event"
        _, targets = ACTIONS[action]
        assert a.state in (targets or {state})


class TestRefusedActions:
    @pytest.mark.parametrize(("state", "action"), REFUSED, ids=[f"{s}-{a}" for s, a in REFUSED])
    def test_raises_naming_the_allowed_actions_and_changes_nothing(
        self, state: AssignmentState, action: Action
    ) -> None:
        a = reach(state)
        before = snapshot(a)
        with pytest.raises(IllegalTransition) as refused:
            PERFORM[action](a, ctx())
        assert refused.value.action == action.value
        assert refused.value.state == state.value
        assert refused.value.allowed == tuple(sorted(allowed_actions(state)))
        assert snapshot(a) == before


class TestTable:
    def test_every_state_is_reachable_from_assigned(self) -> None:
        seen, frontier = {S.ASSIGNED}, [S.ASSIGNED]
        while frontier:
            for target in TRANSITIONS[frontier.pop()] - seen:
                seen.add(target)
                frontier.append(target)
        assert seen == set(AssignmentState)
        assert set(PATHS) == set(AssignmentState)

    def test_terminal_states_lead_nowhere(self) -> None:
        for state in TERMINAL:
            assert TRANSITIONS[state] == frozenset(), state

    def test_after_a_terminal_state_only_a_reporter_notice_can_be_recorded(self) -> None:
        for state in TERMINAL:
            assert allowed_actions(state) <= {Action.RECORD_REPORTER_NOTICE}, state
        assert allowed_actions(S.HANDED_OFF) == frozenset()
        assert allowed_actions(S.RETURNED) == frozenset()

    def test_a_concluded_case_can_no_longer_be_handed_off(self) -> None:
        assert not can_move(S.CONCLUDED, S.HANDED_OFF)
        for state in (S.ASSIGNED, S.INQUIRY, S.SHELVED, S.CASE_FILED, S.UNDER_REVIEW):
            assert can_move(state, S.HANDED_OFF), state

    def test_a_filed_case_is_reviewed_before_it_is_concluded(self) -> None:
        assert TRANSITIONS[S.CASE_FILED] == {S.UNDER_REVIEW, S.HANDED_OFF}
