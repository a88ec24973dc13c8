"""The caseworker API over real HTTP (ASGI) on the real migrated database."""

from datetime import datetime
from uuid import UUID, uuid4

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.casework import domain
from services.casework.repository import AssignmentRepository
from shared.clock import utcnow
from shared.workdays import shipped_calendar
from tests.casework.builders import bearer, deliver, routed

Sessions = async_sessionmaker[AsyncSession]
PROBLEM = "application/problem+json"


async def route_to(sessions: Sessions, lead: UUID, count: int = 1) -> list[UUID]:
    clues = []
    for _ in range(count):
        event = routed(lead=lead)
        await deliver(sessions, event)
        clues.append(event.clue_id)
    return clues


async def add_accepted(sessions: Sessions, body: UUID) -> UUID:
    decision = domain.RoutingDecision(
        uuid4(),
        uuid4(),
        body,
        [],
        domain.ClueFacts("GT-ACCEPTED", "integrity", "audit", "accepted one", "110105"),
    )
    timekeeper = domain.Timekeeper(shipped_calendar())
    (made,) = domain.assign(decision, now=utcnow(), timekeeper=timekeeper)
    made.accept(domain.ActionContext(domain.Actor("u1", body), utcnow(), timekeeper))
    async with sessions() as session, session.begin():
        await AssignmentRepository(session).add(made)
    return made.id


class TestAuthentication:
    async def test_no_token_is_401_problem(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/v1/assignments")
        assert response.status_code == 401
        assert response.headers["content-type"] == PROBLEM
        assert response.headers["www-authenticate"] == "Bearer"

    async def test_a_token_signed_elsewhere_is_401(self, client: httpx.AsyncClient) -> None:
        headers = bearer(uuid4(), secret="not-our-secret-at-all-not-ours-no")
        response = await client.get(f"/v1/assignments/{uuid4()}", headers=headers)
        assert response.status_code == 401
        assert response.headers["content-type"] == PROBLEM

    async def test_garbage_token_is_401(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/v1/assignments", headers={"Authorization": "Bearer x.y.z"})
        assert response.status_code == 401

    async def test_a_token_without_the_caseworker_role_is_403(
        self, client: httpx.AsyncClient
    ) -> None:
        response = await client.get("/v1/assignments", headers=bearer(uuid4(), roles=["staff"]))
        assert response.status_code == 403

    async def test_a_caseworker_without_a_body_is_403(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/v1/assignments", headers=bearer(None))
        assert response.status_code == 403


class TestBodyScoping:
    async def test_a_body_sees_its_own_assignments_only(
        self, client: httpx.AsyncClient, sessions: Sessions
    ) -> None:
        body_a, body_b = uuid4(), uuid4()
        clues_a = await route_to(sessions, body_a, 2)
        await route_to(sessions, body_b, 1)
        response = await client.get("/v1/assignments", headers=bearer(body_a))
        assert response.status_code == 200
        items = response.json()["items"]
        assert {i["clue_id"] for i in items} == {str(c) for c in clues_a}
        assert {i["body_id"] for i in items} == {str(body_a)}

    async def test_own_assignment_by_id(
        self, client: httpx.AsyncClient, sessions: Sessions
    ) -> None:
        body = uuid4()
        event = routed(lead=body)
        await deliver(sessions, event)
        listed = (await client.get("/v1/assignments", headers=bearer(body))).json()["items"]
        response = await client.get(f"/v1/assignments/{listed[0]['id']}", headers=bearer(body))
        assert response.status_code == 200
        body_json = response.json()
        assert body_json["receipt_number"] == event.receipt_number
        assert body_json["role"] == "lead"
        assert body_json["state"] == "assigned"
        expected = shipped_calendar().add_working_days(
            datetime.fromisoformat(body_json["assigned_at"]), 3
        )
        assert datetime.fromisoformat(body_json["sign_for_due_at"]) == expected.due_at
        assert body_json["sign_for_due_provisional"] is expected.provisional
        assert "id_number_hash" not in body_json["subjects"][0]

    async def test_another_bodys_assignment_is_404_and_reveals_nothing(
        self, client: httpx.AsyncClient, sessions: Sessions
    ) -> None:
        body_a, body_b = uuid4(), uuid4()
        event = routed(lead=body_b)
        await deliver(sessions, event)
        theirs = (await client.get("/v1/assignments", headers=bearer(body_b))).json()["items"]
        response = await client.get(f"/v1/assignments/{theirs[0]['id']}", headers=bearer(body_a))
        assert response.status_code == 404
        assert response.headers["content-type"] == PROBLEM
        for secret in (str(event.clue_id), event.receipt_number, event.summary, str(body_b)):
            assert secret not in response.text

    async def test_an_unknown_id_is_the_same_404(self, client: httpx.AsyncClient) -> None:
        response = await client.get(f"/v1/assignments/{uuid4()}", headers=bearer(uuid4()))
        assert response.status_code == 404


class TestListing:
    async def test_filter_by_state(self, client: httpx.AsyncClient, sessions: Sessions) -> None:
        body = uuid4()
        await route_to(sessions, body, 2)
        accepted = await add_accepted(sessions, body)
        url = "/v1/assignments"
        only_accepted = await client.get(url, params={"state": "accepted"}, headers=bearer(body))
        only_assigned = await client.get(url, params={"state": "assigned"}, headers=bearer(body))
        assert [i["id"] for i in only_accepted.json()["items"]] == [str(accepted)]
        assert len(only_assigned.json()["items"]) == 2
        assert {i["state"] for i in only_assigned.json()["items"]} == {"assigned"}

    async def test_an_unknown_state_is_422(self, client: httpx.AsyncClient) -> None:
        response = await client.get(
            "/v1/assignments", params={"state": "lost"}, headers=bearer(uuid4())
        )
        assert response.status_code == 422
        assert response.headers["content-type"] == PROBLEM

    async def test_pages_cover_everything_once_newest_first(
        self, client: httpx.AsyncClient, sessions: Sessions
    ) -> None:
        body = uuid4()
        await route_to(sessions, body, 5)
        pages, cursor = [], None
        while True:
            params = {"limit": 2} | ({"cursor": cursor} if cursor else {})
            page = (await client.get("/v1/assignments", params=params, headers=bearer(body))).json()
            pages.append(page["items"])
            cursor = page["next_cursor"]
            if cursor is None:
                break
        assert [len(p) for p in pages] == [2, 2, 1]
        seen = [i for p in pages for i in p]
        whole = (await client.get("/v1/assignments", headers=bearer(body))).json()["items"]
        assert [i["id"] for i in seen] == [i["id"] for i in whole]
        times = [datetime.fromisoformat(i["assigned_at"]) for i in seen]
        assert times == sorted(times, reverse=True)

    async def test_a_forged_cursor_is_422(self, client: httpx.AsyncClient) -> None:
        response = await client.get(
            "/v1/assignments", params={"cursor": "not-a-cursor"}, headers=bearer(uuid4())
        )
        assert response.status_code == 422


class TestServiceEndpoints:
    async def test_healthz(self, client: httpx.AsyncClient) -> None:
        assert (await client.get("/healthz")).json() == {"status": "ok"}

    async def test_openapi_lists_the_assignment_routes(self, client: httpx.AsyncClient) -> None:
        spec = (await client.get("/openapi.json")).json()
        assert {"/v1/assignments", "/v1/assignments/{assignment_id}"} <= set(spec["paths"])
        assert "HTTPBearer" in spec["components"]["securitySchemes"]
