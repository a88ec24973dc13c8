"""What an agency reads is intake's own words: no note written by routing or casework reaches
it; and its receipt carries the date in China."""

import uuid
from datetime import UTC, datetime

from services.intake.referrals.identifiers import china_date
from services.intake.referrals.status_texts import STATUS_NOTES
from shared.clock import utcnow
from shared.codes import ClueStatus
from shared.events.contracts import ClueStatusChanged
from tests.intake.builders import apply_status, auth, intake_app, new_agency, referral
from tests.support.http import serve
from tests.support.rollback import RolledBack

ROUTING_NOTE = "rule jz-cdi.commission_by_level matched; co-bodies jz-audit, qh-audit"


async def _report(db: RolledBack, referral_id: str, status: ClueStatus, note: str) -> None:
    event = ClueStatusChanged(
        clue_id=uuid.UUID(referral_id), status=status, occurred_at=utcnow(), note=note
    )
    await apply_status(db, event)


async def test_a_routing_note_never_reaches_the_agency(db: RolledBack) -> None:
    _, key = await new_agency(db)
    async with serve(intake_app(db)) as client:
        created = await client.post(
            "/v1/referrals", json=referral(), headers=auth(key, str(uuid.uuid4()))
        )
        referral_id = created.json()["id"]
        await _report(db, referral_id, ClueStatus.PENDING_REVIEW, ROUTING_NOTE)
        view = await client.get(f"/v1/referrals/{referral_id}", headers=auth(key))
    timeline = view.json()["timeline"]
    assert "jz-cdi" not in view.text and "rule" not in view.text
    assert [e["note"] for e in timeline] == [
        STATUS_NOTES[ClueStatus(e["status"])] for e in timeline
    ]
    assert timeline[-1]["status"] == "pending_review"


def test_every_status_has_intakes_words() -> None:
    assert set(STATUS_NOTES) == set(ClueStatus)


def test_the_receipt_date_is_the_date_in_china() -> None:
    late_evening_utc = datetime(2025, 1, 1, 17, 30, tzinfo=UTC)  # 01:30 on 2 January in China
    assert china_date(late_evening_utc).isoformat() == "2025-01-02"
    assert china_date(datetime(2025, 1, 1, 15, 59, tzinfo=UTC)).isoformat() == "2025-01-01"


async def test_the_receipt_number_carries_the_china_date_of_receipt(db: RolledBack) -> None:
    _, key = await new_agency(db)
    async with serve(intake_app(db)) as client:
        created = await client.post(
            "/v1/referrals", json=referral(), headers=auth(key, str(uuid.uuid4()))
        )
    body = created.json()
    received = datetime.fromisoformat(body["received_at"])
    assert body["receipt_number"].split("-")[1] == china_date(received).strftime("%Y%m%d")
