"""Status reports from routing and casework become the sender's timeline."""

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import select

from services.intake import orm
from services.intake.consumer import on_clue_status
from shared.clock import utcnow
from shared.codes import ClueStatus
from shared.db import make_engine, make_session_factory
from shared.events.contracts import ClueStatusChanged
from tests.intake.builders import auth, intake_app, new_agency, referral
from tests.support.databases import DatabaseFactory
from tests.support.http import serve

CANARY = "金丝雀举报人甲乙丙"


@pytest.fixture
def url(databases: DatabaseFactory, backend: str) -> str:
    return databases.url(backend, "intake")


async def _apply(url: str, event: ClueStatusChanged) -> None:
    engine = make_engine(url)
    try:
        async with make_session_factory(engine)() as session, session.begin():
            await on_clue_status(session, event)
    finally:
        await engine.dispose()


class TestStatusTimeline:
    async def test_out_of_order_reports_end_at_the_latest_occurrence(self, url: str) -> None:
        _, key = await new_agency(url)
        body_id = uuid.uuid4()
        async with serve(intake_app(url)) as client:
            created = await client.post(
                "/v1/referrals", json=referral(), headers=auth(key, str(uuid.uuid4()))
            )
            clue_id = uuid.UUID(created.json()["id"])
            now = utcnow()
            assigned = ClueStatusChanged(
                clue_id=clue_id,
                status=ClueStatus.ASSIGNED,
                occurred_at=now + timedelta(milliseconds=20),
                body_id=body_id,
                body_name="江州市纪委监委",
            )
            routed = ClueStatusChanged(
                clue_id=clue_id,
                status=ClueStatus.ROUTED,
                occurred_at=now + timedelta(milliseconds=10),
                body_id=body_id,
                body_name="江州市纪委监委",
            )
            await _apply(url, assigned)
            await _apply(url, routed)
            shown = (await client.get(f"/v1/referrals/{clue_id}", headers=auth(key))).json()
        assert shown["status"] == "assigned"
        assert shown["handling_body"]["name"] == "江州市纪委监委"
        assert [t["status"] for t in shown["timeline"]] == ["received", "routed", "assigned"]


class TestReporterIsSealed:
    async def test_reporter_name_is_nowhere_but_the_sealed_column(self, url: str) -> None:
        _, key = await new_agency(url)
        reporter = {"anonymous": False, "name": CANARY, "phone": "13800000000"}
        async with serve(intake_app(url)) as client:
            created = await client.post(
                "/v1/referrals",
                json=referral(reporter=reporter),
                headers=auth(key, str(uuid.uuid4())),
            )
            shown = await client.get(f"/v1/referrals/{created.json()['id']}", headers=auth(key))
        assert created.status_code == 201
        assert CANARY not in created.text and CANARY not in shown.text
        engine = make_engine(url)
        async with engine.connect() as conn:
            payloads = (await conn.execute(select(orm.outbox.c.payload))).scalars().all()
            sealed = (
                await conn.execute(
                    select(orm.referrals.c.reporter_sealed).where(
                        orm.referrals.c.id == uuid.UUID(created.json()["id"])
                    )
                )
            ).scalar_one()
        await engine.dispose()
        assert all(CANARY.encode() not in p for p in payloads)
        assert sealed is not None and CANARY.encode() not in sealed
