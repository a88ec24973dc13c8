from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid4

import pytest

from services.casework.domain import (
    TRANSITIONS,
    AssignmentState,
    ClueFacts,
    IllegalTransition,
    Role,
    RoutingDecision,
    assign,
    can_move,
)

NOW = datetime(2025, 3, 3, 8, 0, tzinfo=UTC)
FACTS = ClueFacts("GT-1", "integrity", "audit", "summary", "110105")


def decision(lead: UUID, co: list[UUID]) -> RoutingDecision:
    return RoutingDecision(uuid4(), uuid4(), lead, co, FACTS)


class TestAssign:
    def test_one_assigned_assignment_per_body_lead_first(self) -> None:
        lead, co1, co2 = uuid4(), uuid4(), uuid4()
        made = assign(decision(lead, [co1, co2]), now=NOW, sign_for_days=3)
        assert [(a.body_id, a.role) for a in made] == [
            (lead, Role.LEAD),
            (co1, Role.CO),
            (co2, Role.CO),
        ]
        assert {a.state for a in made} == {AssignmentState.ASSIGNED}

    def test_a_body_named_twice_gets_one_assignment_and_lead_wins(self) -> None:
        lead, co = uuid4(), uuid4()
        made = assign(decision(lead, [co, lead, co]), now=NOW, sign_for_days=3)
        assert [(a.body_id, a.role) for a in made] == [(lead, Role.LEAD), (co, Role.CO)]

    def test_sign_for_deadline_is_calendar_days_and_provisional(self) -> None:
        (made,) = assign(decision(uuid4(), []), now=NOW, sign_for_days=3)
        assert made.sign_for.due_at == NOW + timedelta(days=3)
        assert made.sign_for.provisional


class TestStateMachine:
    def test_every_state_is_reachable_from_assigned(self) -> None:
        seen, frontier = {AssignmentState.ASSIGNED}, [AssignmentState.ASSIGNED]
        while frontier:
            for target in TRANSITIONS[frontier.pop()] - seen:
                seen.add(target)
                frontier.append(target)
        assert seen == set(AssignmentState)

    @pytest.mark.parametrize(
        "target", [AssignmentState.ACCEPTED, AssignmentState.RETURNED, AssignmentState.HANDED_OFF]
    )
    def test_an_assigned_clue_can_be_accepted_returned_or_handed_off(
        self, target: AssignmentState
    ) -> None:
        (made,) = assign(decision(uuid4(), []), now=NOW, sign_for_days=3)
        assert made.move_to(target).state is target

    def test_an_assigned_clue_cannot_skip_acceptance(self) -> None:
        (made,) = assign(decision(uuid4(), []), now=NOW, sign_for_days=3)
        with pytest.raises(IllegalTransition):
            made.move_to(AssignmentState.CASE_FILED)

    def test_a_concluded_case_can_no_longer_be_handed_off(self) -> None:
        assert not can_move(AssignmentState.CONCLUDED, AssignmentState.HANDED_OFF)
        assert can_move(AssignmentState.CASE_FILED, AssignmentState.HANDED_OFF)
