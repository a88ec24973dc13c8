"""Idempotency keys: the original replayed inside the window, reusable after it, 409 in flight."""

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from services.intake import orm
from services.intake.referrals.handlers import prune_idempotency_keys
from services.intake.referrals.repository import idempotency_lock_id
from services.intake.unit_of_work import IntakeUnitOfWork
from shared.clock import utcnow
from shared.codes import ClueStatus
from shared.db import make_engine
from shared.events.contracts import ClueStatusChanged
from tests.intake.agencies.builders import rows
from tests.intake.builders import apply_status, auth, intake_app, new_agency, referral, sessions_of
from tests.support.http import serve
from tests.support.rollback import RolledBack


async def _backdate(db: RolledBack, referral_id: str, hours: int) -> None:
    """Ages our own referral, as if accepted `hours` ago."""
    r = orm.referrals
    then = utcnow() - timedelta(hours=hours)
    async with sessions_of(db) as sessions, sessions.begin() as session:
        await session.execute(
            update(r).where(r.c.id == uuid.UUID(referral_id)).values(received_at=then)
        )


async def _key_of(db: RolledBack, referral_id: str) -> str | None:
    async with sessions_of(db) as sessions, sessions() as conn:
        query = select(orm.referrals.c.idempotency_key).where(
            orm.referrals.c.id == uuid.UUID(referral_id)
        )
        key: str | None = (await conn.execute(query)).scalar_one()
        return key


class TestWithinTheWindow:
    async def test_replay_repeats_the_original_body_after_the_status_moved(
        self, db: RolledBack
    ) -> None:
        _, key = await new_agency(db)
        idem = str(uuid.uuid4())
        async with serve(intake_app(db)) as client:
            first = await client.post("/v1/referrals", json=referral(), headers=auth(key, idem))
            event = ClueStatusChanged(
                clue_id=uuid.UUID(first.json()["id"]),
                status=ClueStatus.ROUTED,
                occurred_at=utcnow() + timedelta(seconds=1),
                body_id=uuid.uuid4(),
                body_name="江州市纪委监委",
            )
            await apply_status(db, event)
            again = await client.post("/v1/referrals", json=referral(), headers=auth(key, idem))
            now = await client.get(f"/v1/referrals/{first.json()['id']}", headers=auth(key))
        assert again.status_code == 201
        assert again.headers["idempotent-replayed"] == "true"
        assert again.json() == first.json()
        assert now.json()["status"] == "routed"


class TestAfterTheWindow:
    async def test_the_key_makes_a_new_referral(self, db: RolledBack) -> None:
        _, key = await new_agency(db)
        idem = str(uuid.uuid4())
        async with serve(intake_app(db, idempotency_window_hours=24)) as client:
            first = await client.post("/v1/referrals", json=referral(), headers=auth(key, idem))
            await _backdate(db, first.json()["id"], hours=25)
            again = await client.post(
                "/v1/referrals", json=referral(summary="新的事项"), headers=auth(key, idem)
            )
            old = await client.get(f"/v1/referrals/{first.json()['id']}", headers=auth(key))
        assert again.status_code == 201, again.text
        assert "idempotent-replayed" not in again.headers
        assert again.json()["id"] != first.json()["id"]
        assert again.json()["receipt_number"] != first.json()["receipt_number"]
        assert old.status_code == 200
        assert await _key_of(db, first.json()["id"]) is None

    async def test_pruning_releases_expired_keys_only(self, db: RolledBack) -> None:
        _, key = await new_agency(db)
        app = intake_app(db, idempotency_window_hours=24)
        async with serve(app) as client:
            expired, live = [
                (
                    await client.post("/v1/referrals", json=referral(), headers=auth(key, idem))
                ).json()
                for idem in (str(uuid.uuid4()), str(uuid.uuid4()))
            ]
            await _backdate(db, expired["id"], hours=30)
            window = timedelta(hours=24)
            released = await prune_idempotency_keys(
                IntakeUnitOfWork.of(app.state.services.runtime), window
            )
        assert released >= 1
        assert await _key_of(db, expired["id"]) is None
        assert await _key_of(db, live["id"]) is not None


class TestInFlight:
    async def test_a_second_request_while_the_first_holds_the_key_is_409(
        self, db: RolledBack, backend: str
    ) -> None:
        if backend != "postgresql":
            pytest.skip("SQLite has one writer: a second request waits for the first, then replays")
        agency_id, key = await new_agency(db)
        idem = str(uuid.uuid4())
        engine = make_engine(db.url)  # another connection: the first request's
        try:
            async with serve(intake_app(db)) as client:
                # Stands in for a first request whose transaction is still open.
                async with engine.connect() as first, first.begin():
                    lock = func.pg_advisory_xact_lock(idempotency_lock_id(agency_id, idem))
                    await first.execute(select(lock))
                    busy = await client.post(
                        "/v1/referrals", json=referral(), headers=auth(key, idem)
                    )
                    r = orm.referrals
                    stored = await rows(db, select(r.c.id).where(r.c.idempotency_key == idem))
                after = await client.post("/v1/referrals", json=referral(), headers=auth(key, idem))
        finally:
            await engine.dispose()
        assert busy.status_code == 409
        assert busy.headers["content-type"] == "application/problem+json"
        assert busy.headers["retry-after"] == "1"
        assert busy.json()["type"].endswith("idempotency-in-flight")
        assert stored == []
        assert after.status_code == 201 and "idempotent-replayed" not in after.headers
