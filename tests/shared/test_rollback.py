"""The rollback-per-test fixture (tests/support/rollback.py) on both databases: commits inside
a test are savepoints, a failed use case returns to its savepoint and the test goes on, and
nothing of a test is left in the database after it. The two classes run in file order."""

import uuid

import pytest
from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError

from services.intake import orm
from shared.clock import utcnow
from shared.db import make_engine
from tests.support.databases import DatabaseFactory
from tests.support.rollback import RollBack

MARK = f"rollback-{uuid.uuid4().hex}"


def _row(target: str) -> dict[str, object]:
    return {"at": utcnow(), "actor": "test", "action": "probe", "target": target, "detail": {}}


class TestInsideTheTest:
    async def test_a_commit_is_seen_by_later_sessions_and_a_failure_only_undoes_itself(
        self, rolled_back: RollBack
    ) -> None:
        db = await rolled_back("intake")
        a = orm.audit_log
        async with db.sessions() as session:
            await session.execute(insert(a).values(**_row(MARK)))
            await session.commit()
        async with db.sessions() as session:
            await session.execute(insert(a).values(**_row(MARK)))
            await session.flush()
            taken = (await session.execute(select(a.c.id).where(a.c.target == MARK))).scalars()
            with pytest.raises(IntegrityError):
                await session.execute(insert(a).values(id=next(iter(taken)), **_row(MARK)))
            await session.rollback()
        async with db.sessions() as session:
            kept = (await session.execute(select(a.c.id).where(a.c.target == MARK))).all()
        assert len(kept) == 1


class TestAfterTheTest:
    async def test_nothing_of_the_earlier_test_is_in_the_database(
        self, databases: DatabaseFactory, backend: str
    ) -> None:
        engine = make_engine(databases.url(backend, "intake"))
        try:
            async with engine.connect() as conn:
                a = orm.audit_log
                left = (await conn.execute(select(a.c.id).where(a.c.target == MARK))).all()
        finally:
            await engine.dispose()
        assert left == []
