"""The clue.routed handler on the real migrated database, delivered as the consumer does."""

from uuid import UUID, uuid4

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.casework.domain import Assignment, AssignmentState, Role
from services.casework.repository import AssignmentRepository
from shared.codes import ClueStatus
from shared.workdays import shipped_calendar
from tests.casework.builders import deliver, routed, staged_statuses

Sessions = async_sessionmaker[AsyncSession]


async def assignments_of(sessions: Sessions, clue_id: UUID) -> list[Assignment]:
    async with sessions() as session:
        return await AssignmentRepository(session).for_clue(clue_id)


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

    async def test_a_new_event_for_the_same_clue_adds_only_new_bodies(
        self, sessions: Sessions
    ) -> None:
        lead, co, newcomer = uuid4(), uuid4(), uuid4()
        first = routed(lead=lead, co=[co])
        await deliver(sessions, first)
        await deliver(sessions, first)
        await deliver(sessions, routed(clue_id=first.clue_id, lead=lead, co=[co, newcomer]))
        made = await assignments_of(sessions, first.clue_id)
        assert sorted(str(a.body_id) for a in made) == sorted(str(b) for b in (lead, co, newcomer))
        assert {a.decision_id for a in made if a.body_id != newcomer} == {first.decision_id}


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
