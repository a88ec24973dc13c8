"""Status reports from routing and casework become the sender's timeline."""

import uuid
from datetime import timedelta

from sqlalchemy import select

from services.intake import orm
from shared.clock import utcnow
from shared.codes import ClueStatus
from shared.events.contracts import ClueStatusChanged
from tests.intake.builders import apply_status, auth, intake_app, new_agency, referral, sessions_of
from tests.support.http import serve
from tests.support.rollback import RolledBack

CANARY = "金丝雀举报人甲乙丙"


async def _apply(db: RolledBack, event: ClueStatusChanged) -> None:
    await apply_status(db, event)


class TestStatusTimeline:
    async def test_out_of_order_reports_end_at_the_latest_occurrence(self, db: RolledBack) -> None:
        _, key = await new_agency(db)
        body_id = uuid.uuid4()
        async with serve(intake_app(db)) as client:
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
            await _apply(db, assigned)
            await _apply(db, routed)
            shown = (await client.get(f"/v1/referrals/{clue_id}", headers=auth(key))).json()
        assert shown["status"] == "assigned"
        assert shown["handling_body"]["name"] == "江州市纪委监委"
        assert [t["status"] for t in shown["timeline"]] == ["received", "routed", "assigned"]


class TestReporterIsSealed:
    async def test_reporter_name_is_nowhere_but_the_sealed_column(self, db: RolledBack) -> None:
        _, key = await new_agency(db)
        reporter = {"anonymous": False, "name": CANARY, "phone": "13800000000"}
        async with serve(intake_app(db)) as client:
            created = await client.post(
                "/v1/referrals",
                json=referral(reporter=reporter),
                headers=auth(key, str(uuid.uuid4())),
            )
            shown = await client.get(f"/v1/referrals/{created.json()['id']}", headers=auth(key))
        assert created.status_code == 201
        assert CANARY not in created.text and CANARY not in shown.text
        async with sessions_of(db) as sessions, sessions() as conn:
            payloads = (await conn.execute(select(orm.outbox.c.payload))).scalars().all()
            sealed = (
                await conn.execute(
                    select(orm.referrals.c.reporter_sealed).where(
                        orm.referrals.c.id == uuid.UUID(created.json()["id"])
                    )
                )
            ).scalar_one()
        assert all(CANARY.encode() not in p for p in payloads)
        assert sealed is not None and CANARY.encode() not in sealed
