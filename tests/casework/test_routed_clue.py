"""The clue.routed handler on the real migrated database, delivered as the consumer does."""

from uuid import UUID, uuid4

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.casework.assignments.repository import AssignmentRepository
from services.casework.audit.repository import AuditLog
from services.casework.domain import Assignment, AssignmentState, Role
from services.casework.scope import SYSTEM
from shared.codes import ClueStatus
from shared.events.contracts import DecisionKind
from shared.workdays import shipped_calendar
from tests.casework.builders import deliver, routed, staged_statuses

Sessions = async_sessionmaker[AsyncSession]


async def assignments_of(sessions: Sessions, clue_id: UUID) -> list[Assignment]:
    async with sessions() as session:
        audit = AuditLog(session, SYSTEM)
        return await AssignmentRepository(session, scope=SYSTEM, audit=audit).for_clue(clue_id)


class TestRoutedClueMakesAssignments:
    async def test_one_assignment_per_chosen_body(self, sessions: Sessions) -> None:
        lead, co1, co2 = uuid4(), uuid4(), uuid4()
        event = routed(lead=lead, co=[co1, co2, co1])
        await deliver(sessions, event)
        made = {a.body_id: a for a in await assignments_of(sessions, event.clue_id)}
        assert set(made) == {lead, co1, co2}
        assert made[lead].role is Role.LEAD
        assert {made[co1].role, made[co2].role} == {Role.CO}
        for a in made.values():
            assert a.state is AssignmentState.ASSIGNED
            assert a.decision_id == event.decision_id
            assert a.facts.receipt_number == event.receipt_number
            assert a.assigned_at == event.routed_at
            expected = shipped_calendar().add_working_days(a.assigned_at, 3)
            assert a.sign_for.due_at == expected.due_at
            assert a.sign_for.due_on == expected.due_on
            assert a.sign_for.provisional == expected.provisional

    async def test_subjects_keep_only_the_id_number_hash(self, sessions: Sessions) -> None:
        event = routed()
        await deliver(sessions, event)
        (made,) = await assignments_of(sessions, event.clue_id)
        assert made.facts.subjects == [s.model_dump(mode="json") for s in event.subjects]
        assert [k for k in made.facts.subjects[0] if "id_number" in k] == ["id_number_hash"]


class TestRoutedClueIsIdempotent:
    async def test_redelivery_of_the_same_event_adds_nothing(self, sessions: Sessions) -> None:
        event = routed(co=[uuid4()])
        event_id = str(uuid4())
        await deliver(sessions, event, event_id=event_id)
        await deliver(sessions, event, event_id=event_id)
        assert len(await assignments_of(sessions, event.clue_id)) == 2
        assert len(await staged_statuses(sessions, event.clue_id)) == 1

    async def test_a_new_decision_gives_its_bodies_assignments_under_it(
        self, sessions: Sessions
    ) -> None:
        lead, co, newcomer = uuid4(), uuid4(), uuid4()
        first = routed(lead=lead, co=[co])
        await deliver(sessions, first)
        second = routed(
            clue_id=first.clue_id, lead=newcomer, co=[co], stage=2, kind=DecisionKind.REROUTE
        )
        await deliver(sessions, second)
        made = {
            (a.decision_id, a.body_id): a for a in await assignments_of(sessions, first.clue_id)
        }
        # The co-body still working carries its assignment over to the new decision.
        assert set(made) == {
            (first.decision_id, lead),
            (second.decision_id, co),
            (second.decision_id, newcomer),
        }
        carried = made[(second.decision_id, co)]
        assert (carried.stage, carried.version) == (2, 2)
        assert made[(second.decision_id, newcomer)].role is Role.LEAD

    async def test_a_handoff_back_to_a_body_gives_it_a_new_assignment(
        self, sessions: Sessions
    ) -> None:
        body = uuid4()
        first = routed(lead=body)
        await deliver(sessions, first)
        again = routed(clue_id=first.clue_id, lead=body, stage=3, kind=DecisionKind.HANDOFF)
        await deliver(sessions, again)
        await deliver(sessions, again)
        made = await assignments_of(sessions, first.clue_id)
        assert sorted(a.stage for a in made) == [1, 3]


class TestAssignedStatus:
    async def test_staged_once_for_the_lead_body(self, sessions: Sessions) -> None:
        lead = uuid4()
        event = routed(lead=lead, co=[uuid4(), uuid4()])
        await deliver(sessions, event)
        await deliver(sessions, event)
        (status,) = await staged_statuses(sessions, event.clue_id)
        assert status.status is ClueStatus.ASSIGNED
        assert status.body_id == lead
        assert status.body_name == "测试市纪委监委"
        assert status.note == "assigned to the lead body with 2 co-bodies"
