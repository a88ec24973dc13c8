"""The HTTP API over a real app and database: who may see what, and what they see."""

from datetime import datetime
from typing import Any
from uuid import uuid4

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.routing.api import CASE_MANAGEMENT
from services.routing.app import create_app
from services.routing.demo import DEMO_BODIES
from services.routing.settings import Settings
from shared.codes import Level
from tests.routing.builders import a_clue, bearer, deliver, demo_id
from tests.support.http import serve
from tests.support.tokens import token

PROBLEM_JSON = "application/problem+json"


class TestAuthentication:
    async def test_no_token_is_401_problem_json(self, api_settings: Settings) -> None:
        async with serve(create_app(api_settings)) as client:
            response = await client.get("/v1/bodies")
        assert response.status_code == 401
        assert response.headers["content-type"] == PROBLEM_JSON
        assert response.headers["www-authenticate"] == "Bearer"
        assert response.json()["status"] == 401

    async def test_a_token_signed_with_another_secret_is_401(self, api_settings: Settings) -> None:
        forged = token(
            "routing", "another-secret-of-the-same-length-0123456789", roles=[CASE_MANAGEMENT]
        )
        async with serve(create_app(api_settings)) as client:
            response = await client.get(
                "/v1/review-queue", headers={"Authorization": f"Bearer {forged}"}
            )
        assert response.status_code == 401

    async def test_decisions_and_the_queue_need_the_case_management_role(
        self, api_settings: Settings
    ) -> None:
        caseworker = bearer(api_settings, "caseworker")
        async with serve(create_app(api_settings)) as client:
            queue = await client.get("/v1/review-queue", headers=caseworker)
            decision = await client.get(f"/v1/decisions/{uuid4()}", headers=caseworker)
        assert queue.status_code == decision.status_code == 403
        assert queue.headers["content-type"] == PROBLEM_JSON


class TestBodies:
    async def test_any_signed_in_user_lists_the_registry(self, api_settings: Settings) -> None:
        async with serve(create_app(api_settings)) as client:
            response = await client.get("/v1/bodies", headers=bearer(api_settings))
        assert response.status_code == 200
        listed = {b["code"]: b for b in response.json()["items"]}
        assert {d.code for d in DEMO_BODIES} <= set(listed)
        assert listed["qh-cdi"]["parent_id"] == str(demo_id("jz-cdi"))

    async def test_the_list_filters_by_kind_level_and_region(self, api_settings: Settings) -> None:
        query = {"kind": "discipline_commission", "level": "county", "region": "365021"}
        async with serve(create_app(api_settings)) as client:
            response = await client.get("/v1/bodies", params=query, headers=bearer(api_settings))
        assert [b["code"] for b in response.json()["items"]] == ["qh-cdi"]

    async def test_one_body_by_id_and_an_unknown_one_is_404(self, api_settings: Settings) -> None:
        async with serve(create_app(api_settings)) as client:
            found = await client.get(
                f"/v1/bodies/{demo_id('jz-audit')}", headers=bearer(api_settings)
            )
            missing = await client.get(f"/v1/bodies/{uuid4()}", headers=bearer(api_settings))
        assert found.json()["name"] == "江州市审计局"
        assert missing.status_code == 404
        assert missing.headers["content-type"] == PROBLEM_JSON


class TestDecisions:
    async def test_case_management_reads_a_decision(
        self, api_settings: Settings, sessions: async_sessionmaker[AsyncSession]
    ) -> None:
        clue = a_clue("365021", Level.CITY)
        await deliver(sessions, clue, event_id=str(uuid4()))
        async with serve(create_app(api_settings)) as client:
            response = await client.get(
                f"/v1/decisions/{clue.clue_id}", headers=bearer(api_settings, CASE_MANAGEMENT)
            )
        body = response.json()
        assert body["status"] == "routed"
        assert body["lead_body_id"] == str(demo_id("jz-cdi"))
        assert body["receipt_number"] == clue.receipt_number
        assert "id_number_hash" not in body["subjects"][0]

    async def test_an_unknown_clue_is_404(self, api_settings: Settings) -> None:
        async with serve(create_app(api_settings)) as client:
            response = await client.get(
                f"/v1/decisions/{uuid4()}", headers=bearer(api_settings, CASE_MANAGEMENT)
            )
        assert response.status_code == 404


class TestReviewQueue:
    async def test_pages_cover_every_pending_clue_once_oldest_first(
        self, api_settings: Settings, sessions: async_sessionmaker[AsyncSession]
    ) -> None:
        mine = [a_clue("369921") for _ in range(3)]
        for clue in mine:
            await deliver(sessions, clue, event_id=str(uuid4()))
        await deliver(sessions, a_clue("365021"), event_id=str(uuid4()))  # routed: not queued
        province = bearer(api_settings, CASE_MANAGEMENT, body="prov-cdi")
        async with serve(create_app(api_settings)) as client:
            seen = await read_whole_queue(client, province)
        ids = [item["clue_id"] for item in seen]
        assert len(ids) == len(set(ids))
        mine_ids = [str(c.clue_id) for c in mine]
        assert [i for i in ids if i in mine_ids] == mine_ids
        assert all(item["status"] == "pending_review" for item in seen)
        decided = [datetime.fromisoformat(i["decided_at"]) for i in seen]
        assert decided == sorted(decided)

    async def test_a_cursor_it_did_not_issue_is_422(self, api_settings: Settings) -> None:
        async with serve(create_app(api_settings)) as client:
            response = await client.get(
                "/v1/review-queue",
                params={"cursor": "bm90LWEtY3Vyc29y"},
                headers=bearer(api_settings, CASE_MANAGEMENT),
            )
        assert response.status_code == 422


class TestCaseManagementScope:
    async def test_a_commission_reads_its_own_and_its_counties_decisions_only(
        self, api_settings: Settings, sessions: async_sessionmaker[AsyncSession]
    ) -> None:
        county_clue, city_clue = a_clue("365021"), a_clue("365000", Level.CITY)
        for clue in (county_clue, city_clue):
            await deliver(sessions, clue, event_id=str(uuid4()))
        city = bearer(api_settings, CASE_MANAGEMENT, body="jz-cdi")
        county = bearer(api_settings, CASE_MANAGEMENT, body="qh-cdi")
        async with serve(create_app(api_settings)) as client:
            answers = [
                (await client.get(f"/v1/decisions/{clue.clue_id}", headers=who)).status_code
                for who, clue in (
                    (city, county_clue),
                    (city, city_clue),
                    (county, county_clue),
                    (county, city_clue),
                )
            ]
        assert answers == [200, 200, 200, 404]

    async def test_the_queue_shows_only_clues_of_the_commissions_territory(
        self, api_settings: Settings, sessions: async_sessionmaker[AsyncSession]
    ) -> None:
        outside = a_clue("369921")  # no commission there: it waits for review
        await deliver(sessions, outside, event_id=str(uuid4()))
        async with serve(create_app(api_settings)) as client:
            city = await read_whole_queue(client, bearer(api_settings, CASE_MANAGEMENT))
            province = await read_whole_queue(
                client, bearer(api_settings, CASE_MANAGEMENT, body="prov-cdi")
            )
            direct = await client.get(
                f"/v1/decisions/{outside.clue_id}", headers=bearer(api_settings, CASE_MANAGEMENT)
            )
        assert str(outside.clue_id) not in {i["clue_id"] for i in city}
        assert str(outside.clue_id) in {i["clue_id"] for i in province}
        assert direct.status_code == 404


async def read_whole_queue(
    client: httpx.AsyncClient, headers: dict[str, str]
) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    cursor: str | None = None
    for _ in range(10_000):
        params = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        page = (await client.get("/v1/review-queue", params=params, headers=headers)).json()
        items.extend(page["items"])
        cursor = page["next_cursor"]
        if cursor is None:
            return items
    raise AssertionError("the review queue never ended")


class TestServiceDocuments:
    async def test_openapi_and_health_are_served(self, api_settings: Settings) -> None:
        async with serve(create_app(api_settings)) as client:
            spec = await client.get("/openapi.json")
            health = await client.get("/healthz")
        assert {"/v1/bodies", "/v1/review-queue", "/readyz"} <= set(spec.json()["paths"])
        assert health.json() == {"status": "ok"}
