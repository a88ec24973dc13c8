"""Lifecycle actions over real HTTP on the real database: what is refused changes nothing, and
each refusal has its one status (409, 403, 422, 412, 428)."""

import asyncio
from typing import Any
from uuid import UUID, uuid4

import httpx
import pytest

from services.casework.app import create_app
from services.casework.settings import Settings
from tests.casework.builders import (
    Desk,
    Sessions,
    audit_count,
    bearer,
    deliver,
    outbox_count,
    routed,
)
from tests.casework.paths import BODIES, PATHS, View, walk
from tests.support.http import serve


async def new_assignment(client: httpx.AsyncClient, sessions: Sessions) -> tuple[Desk, View]:
    body = uuid4()
    event = routed(lead=body, assigned_down=True, real_name_report=True)
    await deliver(sessions, event)
    desk = Desk(client, body)
    return desk, await desk.only(event.clue_id)


async def footprint(desk: Desk, sessions: Sessions, view: View) -> tuple[Any, ...]:
    now = await desk.get(UUID(view["id"]))
    return (
        now["state"],
        now["version"],
        len(now["timeline"]),
        await audit_count(sessions, UUID(view["id"])),
        await outbox_count(sessions, UUID(view["clue_id"])),
    )


class TestDisallowedActions:
    @pytest.mark.parametrize("state", sorted(PATHS))
    async def test_each_is_409_naming_the_allowed_ones_and_changes_nothing(
        self, client: httpx.AsyncClient, sessions: Sessions, state: str
    ) -> None:
        desk, view = await new_assignment(client, sessions)
        view = await walk(desk, view, PATHS[state])
        assert view["state"] == state
        before = await footprint(desk, sessions, view)
        refused = sorted(set(BODIES) - set(view["allowed_actions"]))
        assert refused, "every state refuses something"
        for action in refused:
            response = await desk.act(view, action, as_supervisor=True, **BODIES[action](view))
            assert response.status_code == 409, (action, response.text)
            problem = response.json()
            assert (problem["action"], problem["state"]) == (action, state)
            assert problem["allowed"] == view["allowed_actions"]
        assert await footprint(desk, sessions, view) == before


class TestRefusals:
    async def test_an_action_needing_approval_from_a_caseworker_is_403(
        self, client: httpx.AsyncClient, sessions: Sessions
    ) -> None:
        desk, view = await new_assignment(client, sessions)
        view = await desk.do(view, "accept")
        before = await footprint(desk, sessions, view)
        response = await desk.act(view, "dispose", **BODIES["dispose"](view))
        assert response.status_code == 403
        assert response.json()["action"] == "dispose"
        assert await footprint(desk, sessions, view) == before
        approved = await desk.do(view, "dispose", as_supervisor=True, **BODIES["dispose"](view))
        assert approved["state"] == "inquiry"
        assert approved["timeline"][-1]["details"]["approved_by"] == "supervisor-1"

    async def test_a_missing_or_invalid_field_is_422(
        self, client: httpx.AsyncClient, sessions: Sessions
    ) -> None:
        desk, view = await new_assignment(client, sessions)
        before = await footprint(desk, sessions, view)
        missing = await desk.act(view, "return")
        blank = await desk.act(view, "return", reason="   ")
        unknown = await desk.act(view, "return", reason="不属于本机关", extra=1)
        for response in (missing, blank, unknown):
            assert response.status_code == 422, response.text
            assert response.headers["content-type"] == "application/problem+json"
        assert await footprint(desk, sessions, view) == before
        accepted = await desk.do(view, "accept")
        inquiry = await desk.do(accepted, "dispose", as_supervisor=True, **BODIES["dispose"](view))
        before = await footprint(desk, sessions, inquiry)
        no_such_letter = await desk.act(
            inquiry, "record_inquiry_reply", letter_id=str(uuid4()), summary="说明"
        )
        assert no_such_letter.status_code == 422
        assert no_such_letter.json()["errors"] == [
            {"field": "letter_id", "message": "no inquiry letter of this assignment has this id"}
        ]
        assert await footprint(desk, sessions, inquiry) == before

    async def test_writes_need_the_current_etag(
        self, client: httpx.AsyncClient, sessions: Sessions
    ) -> None:
        desk, view = await new_assignment(client, sessions)
        before = await footprint(desk, sessions, view)
        url = f"/v1/assignments/{view['id']}/actions"
        accept = {"action": "accept"}
        headers = bearer(desk.body)
        missing = await client.post(url, json=accept, headers=headers)
        star = await client.post(url, json=accept, headers=headers | {"If-Match": "*"})
        stale = await client.post(url, json=accept, headers=headers | {"If-Match": '"v7"'})
        weak = await client.post(url, json=accept, headers=headers | {"If-Match": 'W/"v1"'})
        assert (missing.status_code, star.status_code) == (428, 428)
        assert (stale.status_code, weak.status_code) == (412, 412)
        assert stale.json()["current_etag"] == '"v1"'
        assert await footprint(desk, sessions, view) == before
        either = await client.post(url, json=accept, headers=headers | {"If-Match": '"v0", "v1"'})
        assert either.status_code == 200 and either.headers["etag"] == '"v2"'


class TestConcurrentWrites:
    async def test_two_processes_with_one_etag_leave_one_winner(
        self, casework_url: str, committed_sessions: Sessions
    ) -> None:
        sessions = committed_sessions  # each app has its own engine, as two processes would
        settings = Settings(database_url=casework_url)
        async with serve(create_app(settings)) as one, serve(create_app(settings)) as two:
            desk, view = await new_assignment(one, sessions)
            note = {"text": "并发写入", "visibility": "internal"}
            attempts = [
                Desk(client, desk.body).act(view, "add_note", **note)
                for client in (one, two, one, two)
            ]
            responses = await asyncio.gather(*attempts)
        statuses = sorted(r.status_code for r in responses)
        assert statuses == [200, 412, 412, 412]
        assert await audit_count(sessions, UUID(view["id"])) == 2
