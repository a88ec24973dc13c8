"""A routing decision makes one `assigned` assignment per chosen body, clocks already running."""

from datetime import date
from uuid import UUID, uuid4

from services.casework.domain import (
    AssignmentState,
    ClockPolicy,
    ClockRule,
    Role,
    RoutingDecision,
    Timekeeper,
    WorkingDays,
    assign,
)
from shared.workdays import shipped_calendar
from tests.casework.domain.builders import KEEPER, NOW, facts


def decision(lead: UUID, co: list[UUID]) -> RoutingDecision:
    return RoutingDecision(uuid4(), uuid4(), lead, co, facts())


class TestAssign:
    def test_one_assigned_assignment_per_body_lead_first(self) -> None:
        lead, co1, co2 = uuid4(), uuid4(), uuid4()
        made = assign(decision(lead, [co1, co2]), now=NOW, timekeeper=KEEPER)
        assert [(a.body_id, a.role) for a in made] == [
            (lead, Role.LEAD),
            (co1, Role.CO),
            (co2, Role.CO),
        ]
        assert {a.state for a in made} == {AssignmentState.ASSIGNED}
        assert {a.version for a in made} == {1}
        assert [e.action for e in made[0].timeline] == ["assign"]
        assert made[0].events == []

    def test_a_body_named_twice_gets_one_assignment_and_lead_wins(self) -> None:
        lead, co = uuid4(), uuid4()
        made = assign(decision(lead, [co, lead, co]), now=NOW, timekeeper=KEEPER)
        assert [(a.body_id, a.role) for a in made] == [(lead, Role.LEAD), (co, Role.CO)]

    def test_the_sign_for_deadline_is_in_working_days_and_final_within_2026(self) -> None:
        (made,) = assign(decision(uuid4(), []), now=NOW, timekeeper=KEEPER)
        assert made.sign_for.due_on == date(2026, 9, 24)
        assert not made.sign_for.provisional

    def test_the_sign_for_limit_comes_from_the_policy(self) -> None:
        policy = ClockPolicy(sign_for=ClockRule(WorkingDays(5)))
        keeper = Timekeeper(shipped_calendar(), policy)
        (made,) = assign(decision(uuid4(), []), now=NOW, timekeeper=keeper)
        assert made.sign_for.due_on == date(2026, 9, 29)
