"""The caseworker API over real HTTP (ASGI) on the real migrated database: who gets in, what
each body sees of its inbox, and nothing of another body's."""

from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

import httpx

from shared.workdays import shipped_calendar
from tests.casework.builders import Desk, Sessions, bearer, deliver, routed

PROBLEM = "application/problem+json"


async def route_to(sessions: Sessions, lead: UUID, count: int = 1, **kw: Any) -> list[UUID]:
    clues = []
    for _ in range(count):
        event = routed(lead=lead, **kw)
        await deliver(sessions, event)
        clues.append(event.clue_id)
    return clues


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

    async def test_a_token_without_a_casework_role_is_403(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/v1/assignments", headers=bearer(uuid4(), roles=["staff"]))
        assert response.status_code == 403

    async def test_auditors_and_offices_do_not_work_assignments(
        self, client: httpx.AsyncClient
    ) -> None:
        for role in ("auditor", "case_management_office"):
            response = await client.get("/v1/assignments", headers=bearer(uuid4(), roles=[role]))
            assert response.status_code == 403, role
        control = await client.get("/v1/assignments", headers=bearer(uuid4(), roles=["supervisor"]))
        assert control.status_code == 200

    async def test_a_caseworker_without_a_body_is_403(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/v1/assignments", headers=bearer(None))
        assert response.status_code == 403


class TestAnotherBodysAssignmentIsAbsent:
    async def test_404_on_every_route_and_nothing_revealed(
        self, client: httpx.AsyncClient, sessions: Sessions
    ) -> None:
        body_a, body_b = uuid4(), uuid4()
        event = routed(lead=body_b)
        await deliver(sessions, event)
        theirs = await Desk(client, body_b).only(event.clue_id)
        mine = bearer(body_a)
        path = f"/v1/assignments/{theirs['id']}"
        wide = bearer(body_a, roles=["auditor", "case_management_office"])
        attempts = [
            await client.get(path, headers=mine),
            await client.get(f"{path}/audit", headers=mine),
            await client.get(f"{path}/audit", headers=wide),
            await client.post(
                f"{path}/actions",
                json={"action": "accept"},
                headers=mine | {"If-Match": theirs["etag"]},
            ),
        ]
        for response in attempts:
            assert response.status_code == 404, response.text
            assert response.headers["content-type"] == PROBLEM
            for secret in (str(event.clue_id), event.receipt_number, event.summary, str(body_b)):
                assert secret not in response.text
        inbox = (await client.get("/v1/assignments", headers=mine)).json()
        assert inbox["items"] == [] and inbox["counts"] == {}
        stats = (await client.get("/v1/stats", headers=mine)).json()
        assert stats["total"] == 0
        assert (await Desk(client, body_b).get(UUID(theirs["id"])))["version"] == 1

    async def test_an_unknown_id_is_the_same_404(self, client: httpx.AsyncClient) -> None:
        response = await client.get(f"/v1/assignments/{uuid4()}", headers=bearer(uuid4()))
        assert response.status_code == 404


class TestOneAssignment:
    async def test_shows_the_clue_its_clocks_timeline_and_etag(
        self, client: httpx.AsyncClient, sessions: Sessions
    ) -> None:
        body = uuid4()
        event = routed(lead=body)
        await deliver(sessions, event)
        view = await Desk(client, body).only(event.clue_id)
        response = await client.get(f"/v1/assignments/{view['id']}", headers=bearer(body))
        assert response.headers["etag"] == view["etag"] == '"v1"'
        assert (view["receipt_number"], view["role"], view["state"]) == (
            event.receipt_number,
            "lead",
            "assigned",
        )
        assert view["allowed_actions"] == sorted(
            ["accept", "add_note", "extend_clock", "hand_off", "return"]
        )
        clocks = {c["key"]: c for c in view["clocks"]}
        assert set(clocks) == {"sign_for", "forward", "handling_opinion"}
        expected = shipped_calendar().add_working_days(event.routed_at, 3)
        assert datetime.fromisoformat(clocks["sign_for"]["due_at"]) == expected.due_at
        assert [t["action"] for t in view["timeline"]] == ["assign"]
        assert "id_number_hash" not in view["subjects"][0]


class TestInbox:
    async def test_filters_by_state_and_counts_every_state(
        self, client: httpx.AsyncClient, sessions: Sessions
    ) -> None:
        body = uuid4()
        clues = await route_to(sessions, body, 3)
        desk = Desk(client, body)
        await desk.do(await desk.only(clues[0]), "accept")
        accepted = await desk.inbox(state="accepted")
        assert [i["clue_id"] for i in accepted["items"]] == [str(clues[0])]
        assert accepted["counts"] == {"accepted": 1, "assigned": 2}
        both = await desk.inbox(state=["accepted", "assigned"])
        assert len(both["items"]) == 3

    async def test_filters_by_role_category_channel_and_overdue(
        self, client: httpx.AsyncClient, sessions: Sessions
    ) -> None:
        body = uuid4()
        long_ago = datetime(2026, 9, 1, 10, tzinfo=UTC)
        (late,) = await route_to(sessions, body, at=long_ago)
        (as_co,) = await route_to(sessions, uuid4(), co=[body])
        desk = Desk(client, body)
        assert _clues(await desk.inbox(overdue=True)) == {late}
        assert _clues(await desk.inbox(overdue=False)) == {as_co}
        assert _clues(await desk.inbox(role="co")) == {as_co}
        assert _clues(await desk.inbox(category="integrity")) == {late, as_co}
        assert _clues(await desk.inbox(channel="hotline")) == set()
        soon = (datetime.now(UTC) + timedelta(days=400)).isoformat()
        assert _clues(await desk.inbox(due_before=soon)) == {late, as_co}
        assert _clues(await desk.inbox(due_before=long_ago.isoformat())) == set()

    async def test_pages_cover_everything_once_in_either_order(
        self, client: httpx.AsyncClient, sessions: Sessions
    ) -> None:
        body = uuid4()
        start = datetime.now(UTC) - timedelta(days=20)
        for day in (3, 1, 4, 0, 2):
            await route_to(sessions, body, at=start + timedelta(days=day))
        desk = Desk(client, body)
        for sort, key, reverse in (
            ("received", "assigned_at", True),
            ("due", "next_due_at", False),
        ):
            pages, cursor = [], None
            while True:
                params = {"limit": 2, "sort": sort} | ({"cursor": cursor} if cursor else {})
                page = await desk.inbox(**params)
                pages.append(page["items"])
                cursor = page["next_cursor"]
                if cursor is None:
                    break
            assert [len(p) for p in pages] == [2, 2, 1]
            seen = [i[key] for p in pages for i in p]
            assert seen == sorted(seen, reverse=reverse)
            assert len({i["id"] for p in pages for i in p}) == 5

    async def test_a_full_last_page_has_no_next_cursor(
        self, client: httpx.AsyncClient, sessions: Sessions
    ) -> None:
        body = uuid4()
        await route_to(sessions, body, 2)
        page = await Desk(client, body).inbox(limit=2)
        assert (len(page["items"]), page["next_cursor"]) == (2, None)

    async def test_unknown_values_and_forged_cursors_are_422(
        self, client: httpx.AsyncClient
    ) -> None:
        for params in ({"state": "lost"}, {"cursor": "not-a-cursor"}, {"sort": "x"}):
            response = await client.get("/v1/assignments", params=params, headers=bearer(uuid4()))
            assert response.status_code == 422, params
            assert response.headers["content-type"] == PROBLEM


class TestServiceEndpoints:
    async def test_healthz(self, client: httpx.AsyncClient) -> None:
        assert (await client.get("/healthz")).json() == {"status": "ok"}

    async def test_openapi_lists_the_routes(self, client: httpx.AsyncClient) -> None:
        spec = (await client.get("/openapi.json")).json()
        assert {
            "/v1/assignments",
            "/v1/assignments/{assignment_id}",
            "/v1/assignments/{assignment_id}/actions",
            "/v1/assignments/{assignment_id}/audit",
            "/v1/stats",
        } <= set(spec["paths"])
        assert "staffBearer" in spec["components"]["securitySchemes"]


def _clues(page: dict[str, object]) -> set[UUID]:
    items = page["items"]
    assert isinstance(items, list)
    return {UUID(i["clue_id"]) for i in items}
