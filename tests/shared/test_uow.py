"""One unit-of-work shape: owning its transaction (API) or joined to the consumer loop's."""

import uuid
from dataclasses import dataclass, field
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.routing import orm
from shared.clock import utcnow
from shared.codes import ClueStatus
from shared.db import make_engine, make_session_factory
from shared.events import Event
from shared.events.contracts import ClueStatusChanged
from shared.uow import UnitOfWork
from tests.support.databases import DatabaseFactory


@dataclass(frozen=True)
class Placed:
    """A domain event of a toy aggregate: not a contract, so the unit of work translates it."""

    clue_id: uuid.UUID


@dataclass
class Clue:
    id: uuid.UUID
    events: list[Placed] = field(default_factory=list)

    def place(self) -> None:
        self.events.append(Placed(self.id))

    def collect_events(self) -> list[Any]:
        collected, self.events = self.events, []
        return list(collected)


class ToyUnitOfWork(UnitOfWork):
    outbox = orm.outbox
    source = "/t"
    bound_to: AsyncSession | None = None

    def bind(self, session: AsyncSession) -> None:
        self.bound_to = session

    def publishable(self, event: Any) -> list[Event]:
        if isinstance(event, Placed):
            status = ClueStatus.ROUTED
            return [ClueStatusChanged(clue_id=event.clue_id, status=status, occurred_at=utcnow())]
        return list(super().publishable(event))


async def _outbox_rows(session: AsyncSession, key: uuid.UUID) -> int:
    t = orm.outbox
    query = select(func.count()).select_from(t).where(t.c.message_key == str(key))
    return int((await session.execute(query)).scalar_one())


class TestOwnedTransaction:
    async def test_commit_stages_emitted_and_tracked_events_and_wakes_the_relay(
        self, databases: DatabaseFactory, backend: str
    ) -> None:
        engine = make_engine(databases.url(backend, "routing"))
        sessions, woken = make_session_factory(engine), []
        clue = Clue(uuid.uuid4())
        try:
            uow = ToyUnitOfWork(sessions, on_commit=lambda: woken.append(1))
            async with uow:
                assert uow.bound_to is uow.session
                clue.place()
                uow.track(clue)
                uow.emit(
                    ClueStatusChanged(
                        clue_id=clue.id, status=ClueStatus.ASSIGNED, occurred_at=utcnow()
                    )
                )
                await uow.commit()
            async with sessions() as session:
                assert await _outbox_rows(session, clue.id) == 2
            assert woken == [1]
            assert clue.collect_events() == []
        finally:
            await engine.dispose()

    async def test_leaving_without_commit_writes_nothing(
        self, databases: DatabaseFactory, backend: str
    ) -> None:
        engine = make_engine(databases.url(backend, "routing"))
        sessions, clue = make_session_factory(engine), Clue(uuid.uuid4())
        try:
            async with ToyUnitOfWork(sessions) as uow:
                clue.place()
                uow.track(clue)
            async with sessions() as session:
                assert await _outbox_rows(session, clue.id) == 0
        finally:
            await engine.dispose()


class TestJoinedTransaction:
    async def test_commit_stages_into_the_owners_transaction_which_decides(
        self, databases: DatabaseFactory, backend: str
    ) -> None:
        engine = make_engine(databases.url(backend, "routing"))
        sessions = make_session_factory(engine)
        kept, dropped = Clue(uuid.uuid4()), Clue(uuid.uuid4())
        try:
            for clue, owner_commits in ((kept, True), (dropped, False)):
                async with sessions() as session, session.begin() as tx:
                    uow = ToyUnitOfWork.within(session)
                    async with uow:
                        assert uow.bound_to is session
                        clue.place()
                        uow.track(clue)
                        await uow.commit()
                    assert session.in_transaction()
                    if not owner_commits:
                        await tx.rollback()
            async with sessions() as session:
                assert await _outbox_rows(session, kept.id) == 1
                assert await _outbox_rows(session, dropped.id) == 0
        finally:
            await engine.dispose()

    def test_an_event_nobody_translates_is_refused(self) -> None:
        with pytest.raises(TypeError):
            UnitOfWork().publishable(Placed(uuid.uuid4()))
