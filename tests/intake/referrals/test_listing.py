"""GET /v1/referrals: the agency's own referrals, filtered, newest first, cursor-paginated."""

import uuid
from datetime import timedelta
from typing import Any

import httpx
import pytest

from shared.clock import utcnow
from shared.codes import ClueStatus, Outcome
from shared.events.contracts import ClueStatusChanged
from tests.intake.builders import apply_status, auth, intake_app, new_agency, referral
from tests.support.http import serve
from tests.support.rollback import RolledBack


async def _create(client: httpx.AsyncClient, key: str, n: int) -> list[dict[str, Any]]:
    created = []
    for i in range(n):
        response = await client.post(
            "/v1/referrals", json=referral(summary=f"事项{i}"), headers=auth(key, str(uuid.uuid4()))
        )
        assert response.status_code == 201, response.text
        created.append(response.json())
    return created


async def _conclude(db: RolledBack, clue_id: str, outcome: Outcome, summary: str) -> None:
    event = ClueStatusChanged(
        clue_id=uuid.UUID(clue_id),
        status=ClueStatus.CONCLUDED,
        occurred_at=utcnow() + timedelta(seconds=1),
        body_id=uuid.uuid4(),
        body_name="江州市纪委监委",
        outcome=outcome,
        outcome_summary=summary,
    )
    await apply_status(db, event)


async def _all_pages(client: httpx.AsyncClient, key: str, **params: Any) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    cursor = None
    while True:
        query = {**params, **({"cursor": cursor} if cursor else {})}
        page = await client.get("/v1/referrals", params=query, headers=auth(key))
        assert page.status_code == 200, page.text
        items.extend(page.json()["items"])
        cursor = page.json()["next_cursor"]
        if cursor is None:
            return items


class TestListing:
    async def test_pages_walk_every_own_referral_once_newest_first(self, db: RolledBack) -> None:
        _, key = await new_agency(db)
        _, other_key = await new_agency(db, "乙财政局")
        async with serve(intake_app(db)) as client:
            created = await _create(client, key, 5)
            await _create(client, other_key, 1)
            items = await _all_pages(client, key, limit=2)
        assert [i["id"] for i in items] == [c["id"] for c in reversed(created)]
        assert items[0]["status_display"] == "已接收"

    async def test_status_filter_shows_the_concluded_outcome(self, db: RolledBack) -> None:
        _, key = await new_agency(db)
        async with serve(intake_app(db)) as client:
            first, second = await _create(client, key, 2)
            await _conclude(db, first["id"], Outcome.FORM_2, "给予党内警告处分")
            page = await client.get(
                "/v1/referrals", params={"status": "concluded"}, headers=auth(key)
            )
            shown = await client.get(f"/v1/referrals/{first['id']}", headers=auth(key))
        [item] = page.json()["items"]
        for view in (item, shown.json()):
            assert view["id"] == first["id"]
            assert view["status"] == "concluded" and view["status_display"] == "已办结"
            assert view["outcome"] == "form_2" and view["outcome_display"] == "第二种形态"
            assert view["outcome_summary"] == "给予党内警告处分"
        assert shown.json()["timeline"][-1]["status_display"] == "已办结"
        assert second["id"] not in page.text

    async def test_received_window_is_inclusive_after_and_exclusive_before(
        self, db: RolledBack
    ) -> None:
        _, key = await new_agency(db)
        async with serve(intake_app(db)) as client:
            created = await _create(client, key, 3)
            window = {
                "received_after": created[1]["received_at"],
                "received_before": created[2]["received_at"],
            }
            items = await _all_pages(client, key, **window)
        assert [i["id"] for i in items] == [created[1]["id"]]

    async def test_another_agency_sees_none_of_them(self, db: RolledBack) -> None:
        _, key = await new_agency(db)
        _, other_key = await new_agency(db, "乙财政局")
        async with serve(intake_app(db)) as client:
            created = await _create(client, key, 1)
            page = await client.get("/v1/referrals", headers=auth(other_key))
            missing = await client.get("/v1/referrals")
        assert page.status_code == 200
        assert created[0]["id"] not in page.text and created[0]["receipt_number"] not in page.text
        assert missing.status_code == 401


class TestBadParameters:
    @pytest.mark.parametrize(
        ("params", "field"),
        [
            ({"cursor": "not-a-cursor"}, "query.cursor"),
            ({"cursor": "WzEsMiwzXQ"}, "query.cursor"),  # valid base64 of [1,2,3]
            ({"status": "lost"}, "query.status"),
            ({"received_after": "2026-01-01T00:00:00"}, "query.received_after"),  # no zone
            ({"received_before": "yesterday"}, "query.received_before"),
            ({"limit": "0"}, "query.limit"),
            ({"limit": "101"}, "query.limit"),
            (
                {
                    "received_after": "2026-02-01T00:00:00Z",
                    "received_before": "2026-01-01T00:00:00Z",
                },
                "query.received_before",
            ),
        ],
    )
    async def test_is_422_naming_the_parameter(
        self, db: RolledBack, params: dict[str, str], field: str
    ) -> None:
        _, key = await new_agency(db)
        async with serve(intake_app(db)) as client:
            response = await client.get("/v1/referrals", params=params, headers=auth(key))
        assert response.status_code == 422
        assert response.headers["content-type"] == "application/problem+json"
        assert any(e["field"].startswith(field) for e in response.json()["errors"])
