"""Idempotency keys: the original replayed inside the window, reusable after it, 409 in flight."""

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from services.intake import orm
from services.intake.consumer import on_clue_status
from services.intake.handlers import prune_idempotency_keys
from services.intake.repository import idempotency_lock_id
from services.intake.unit_of_work import IntakeUnitOfWork
from shared.clock import utcnow
from shared.codes import ClueStatus
from shared.db import make_engine, make_session_factory
from shared.events.contracts import ClueStatusChanged
from tests.intake.builders import auth, intake_app, new_agency, referral
from tests.support.databases import DatabaseFactory
from tests.support.http import serve


@pytest.fixture
def url(databases: DatabaseFactory, backend: str) -> str:
    return databases.url(backend, "intake")


async def _backdate(url: str, referral_id: str, hours: int) -> None:
    """Ages our own referral, as if accepted `hours` ago."""
    r = orm.referrals
    engine = make_engine(url)
    try:
        async with engine.begin() as conn:
            then = utcnow() - timedelta(hours=hours)
            await conn.execute(
                update(r).where(r.c.id == uuid.UUID(referral_id)).values(received_at=then)
            )
    finally:
        await engine.dispose()


async def _key_of(url: str, referral_id: str) -> str | None:
    engine = make_engine(url)
    try:
        async with engine.connect() as conn:
            query = select(orm.referrals.c.idempotency_key).where(
                orm.referrals.c.id == uuid.UUID(referral_id)
            )
            key: str | None = (await conn.execute(query)).scalar_one()
            return key
    finally:
        await engine.dispose()


class TestWithinTheWindow:
    async def test_replay_repeats_the_original_body_after_the_status_moved(self, url: str) -> None:
        _, key = await new_agency(url)
        idem = str(uuid.uuid4())
        async with serve(intake_app(url)) as client:
            first = await client.post("/v1/referrals", json=referral(), headers=auth(key, idem))
            event = ClueStatusChanged(
                clue_id=uuid.UUID(first.json()["id"]),
                status=ClueStatus.ROUTED,
                occurred_at=utcnow() + timedelta(seconds=1),
                body_id=uuid.uuid4(),
                body_name="江州市纪委监委",
            )
            engine = make_engine(url)
            async with make_session_factory(engine)() as session, session.begin():
                await on_clue_status(session, event)
            await engine.dispose()
            again = await client.post("/v1/referrals", json=referral(), headers=auth(key, idem))
            now = await client.get(f"/v1/referrals/{first.json()['id']}", headers=auth(key))
        assert again.status_code == 201
        assert again.headers["idempotent-replayed"] == "true"
        assert again.json() == first.json()
        assert now.json()["status"] == "routed"


class TestAfterTheWindow:
    async def test_the_key_makes_a_new_referral(self, url: str) -> None:
        _, key = await new_agency(url)
        idem = str(uuid.uuid4())
        async with serve(intake_app(url, idempotency_window_hours=24)) as client:
            first = await client.post("/v1/referrals", json=referral(), headers=auth(key, idem))
            await _backdate(url, first.json()["id"], hours=25)
            again = await client.post(
                "/v1/referrals", json=referral(summary="新的事项"), headers=auth(key, idem)
            )
            old = await client.get(f"/v1/referrals/{first.json()['id']}", headers=auth(key))
        assert again.status_code == 201, again.text
        assert "idempotent-replayed" not in again.headers
        assert again.json()["id"] != first.json()["id"]
        assert again.json()["receipt_number"] != first.json()["receipt_number"]
        assert old.status_code == 200
        assert await _key_of(url, first.json()["id"]) is None

    async def test_pruning_releases_expired_keys_only(self, url: str) -> None:
        _, key = await new_agency(url)
        app = intake_app(url, idempotency_window_hours=24)
        async with serve(app) as client:
            expired, live = [
                (
                    await client.post("/v1/referrals", json=referral(), headers=auth(key, idem))
                ).json()
                for idem in (str(uuid.uuid4()), str(uuid.uuid4()))
            ]
            await _backdate(url, expired["id"], hours=30)
            window = timedelta(hours=24)
            released = await prune_idempotency_keys(IntakeUnitOfWork(app.state.runtime), window)
        assert released >= 1
        assert await _key_of(url, expired["id"]) is None
        assert await _key_of(url, live["id"]) is not None


class TestInFlight:
    async def test_a_second_request_while_the_first_holds_the_key_is_409(
        self, url: str, backend: str
    ) -> None:
        if backend != "postgresql":
            pytest.skip("SQLite has one writer: a second request waits for the first, then replays")
        agency_id, key = await new_agency(url)
        idem = str(uuid.uuid4())
        engine = make_engine(url)
        try:
            async with serve(intake_app(url)) as client:
                # Stands in for a first request whose transaction is still open.
                async with engine.connect() as first, first.begin():
                    lock = func.pg_advisory_xact_lock(idempotency_lock_id(agency_id, idem))
                    await first.execute(select(lock))
                    busy = await client.post(
                        "/v1/referrals", json=referral(), headers=auth(key, idem)
                    )
                    count = select(func.count()).select_from(orm.referrals)
                    stored = await first.scalar(
                        count.where(orm.referrals.c.idempotency_key == idem)
                    )
                after = await client.post("/v1/referrals", json=referral(), headers=auth(key, idem))
        finally:
            await engine.dispose()
        assert busy.status_code == 409
        assert busy.headers["content-type"] == "application/problem+json"
        assert busy.headers["retry-after"] == "1"
        assert busy.json()["type"].endswith("idempotency-in-flight")
        assert stored == 0
        assert after.status_code == 201 and "idempotent-replayed" not in after.headers
