"""Bodies working one clue: shared notes between lead and co-bodies, handoffs and splits,
shelved clues woken by a linked clue, statistics and audit trails across a tree of bodies."""

from uuid import UUID, uuid4

import httpx

from shared.events.contracts import CaseProgressed, ClueRouted, HandoffRequested
from tests.casework.builders import (
    Desk,
    Sessions,
    bearer,
    deliver,
    handoff_of,
    linked,
    routed,
    staged,
)
from tests.casework.paths import BODIES, PATHS, walk


async def notes_seen(desk: Desk, clue_id: UUID) -> set[str]:
    return {n["text"] for n in (await desk.only(clue_id))["notes"]}


class TestNotes:
    async def test_a_co_body_reads_the_shared_notes_never_the_leads_internal_ones(
        self, client: httpx.AsyncClient, sessions: Sessions
    ) -> None:
        lead_body, co_body = uuid4(), uuid4()
        event = routed(lead=lead_body, co=[co_body])
        await deliver(sessions, event)
        lead, co = Desk(client, lead_body), Desk(client, co_body)
        for desk, who in ((lead, "lead"), (co, "co")):
            view = await desk.only(event.clue_id)
            view = await desk.do(view, "add_note", text=f"{who} internal", visibility="internal")
            await desk.do(view, "add_note", text=f"{who} shared", visibility="shared")
        assert await notes_seen(lead, event.clue_id) == {
            "lead internal",
            "lead shared",
            "co shared",
        }
        assert await notes_seen(co, event.clue_id) == {"co internal", "co shared", "lead shared"}
        progressed = await staged(sessions, event.clue_id, CaseProgressed)
        # Only the shared notes are news for anyone else, and never with their text.
        assert [p.action.value for p in progressed] == ["note_shared", "note_shared"]
        assert not [p for p in progressed if "共享" in p.model_dump_json()]


class TestHandoff:
    async def test_the_sender_keeps_its_timeline_and_loses_every_action(
        self, client: httpx.AsyncClient, sessions: Sessions
    ) -> None:
        body_a, body_b = uuid4(), uuid4()
        first = routed(lead=body_a)
        await deliver(sessions, first)
        a, b = Desk(client, body_a), Desk(client, body_b)
        view = await walk(a, await a.only(first.clue_id), PATHS["inquiry"])
        handed = await a.do(
            view,
            "hand_off",
            as_supervisor=True,
            target_body_id=str(body_b),
            reason="被反映人系市管干部",
        )
        assert (handed["state"], handed["handed_off_to"]) == (
            "handed_off",
            {"body_id": str(body_b), "name": None},
        )
        assert handed["allowed_actions"] == []
        (requested,) = await staged(sessions, first.clue_id, HandoffRequested)
        assert (requested.target_body_id, requested.mode.value, requested.stage) == (
            body_b,
            "whole",
            1,
        )
        await deliver(sessions, handoff_of(first, assignment_id=UUID(handed["id"]), to=body_b))
        theirs = await b.only(first.clue_id)
        assert (theirs["handoff_of"], theirs["stage"], theirs["state"]) == (
            handed["id"],
            2,
            "assigned",
        )
        for action in BODIES:
            refused = await a.act(handed, action, as_supervisor=True, **BODIES[action](handed))
            assert refused.status_code == 409, action
        for path in ("", "/audit"):
            response = await client.get(
                f"/v1/assignments/{theirs['id']}{path}", headers=bearer(body_a)
            )
            assert response.status_code == 404
        mine = await a.get(UUID(handed["id"]))
        assert [t["action"] for t in mine["timeline"]][-1] == "hand_off"
        assert (await b.do(theirs, "accept"))["state"] == "accepted"

    async def test_a_split_keeps_the_assignment_and_sends_the_part(
        self, client: httpx.AsyncClient, sessions: Sessions
    ) -> None:
        body_a, body_b = uuid4(), uuid4()
        first = routed(lead=body_a)
        await deliver(sessions, first)
        a = Desk(client, body_a)
        view = await walk(a, await a.only(first.clue_id), PATHS["preliminary_verification"])
        kept = await a.do(view, "split", as_supervisor=True, **BODIES["split"](view))
        assert kept["state"] == "preliminary_verification"
        assert [t["kind"] for t in kept["transfers"]] == ["split"]
        (requested,) = await staged(sessions, first.clue_id, HandoffRequested)
        assert (requested.mode.value, requested.kept_part, requested.transferred_part) == (
            "split",
            "违纪部分",
            "职务犯罪部分",
        )
        part = handoff_of(first, assignment_id=UUID(kept["id"]), to=body_b, split="职务犯罪部分")
        await deliver(sessions, part)
        theirs = await Desk(client, body_b).only(first.clue_id)
        assert (theirs["part"], theirs["from_body_id"]) == ("职务犯罪部分", str(body_a))
        assert (await a.do(kept, "file_case", as_supervisor=True, basis="违纪部分"))[
            "state"
        ] == "case_filed"


class TestLinkedClue:
    async def test_wakes_shelved_assignments_and_flags_a_repeat(
        self, client: httpx.AsyncClient, sessions: Sessions
    ) -> None:
        body = uuid4()
        old = routed(lead=body, assigned_down=True)
        await deliver(sessions, old)
        desk = Desk(client, body)
        shelved = await walk(desk, await desk.only(old.clue_id), PATHS["shelved"])
        paused = {c["key"]: c for c in shelved["clocks"]}["assigned_down"]
        assert paused["paused"] and not paused["running"]
        new: ClueRouted = routed(lead=body)
        await deliver(sessions, new)
        await deliver(sessions, linked(new.clue_id, old.clue_id, repeat=True))
        woken = await desk.get(UUID(shelved["id"]))
        assert (woken["state"], woken["reactivated_by"]) == ("accepted", [str(new.clue_id)])
        assert {c["key"]: c for c in woken["clocks"]}["assigned_down"]["running"]
        assert "handling_opinion:1" in {c["key"] for c in woken["clocks"]}
        (reactivated,) = await staged(sessions, old.clue_id, CaseProgressed)
        assert reactivated.action.value == "reactivated"
        assert (await desk.only(new.clue_id))["repeat_of_concluded"] is True


class TestAcrossBodies:
    async def test_an_office_counts_the_bodies_its_token_names_and_an_auditor_reads_them(
        self, client: httpx.AsyncClient, sessions: Sessions
    ) -> None:
        office, county_1, county_2, elsewhere = uuid4(), uuid4(), uuid4(), uuid4()
        clues = {}
        for body in (county_1, county_2, elsewhere):
            event = routed(lead=body)
            await deliver(sessions, event)
            clues[body] = await Desk(client, body).only(event.clue_id)
        await walk(Desk(client, county_1), clues[county_1], PATHS["closed_no_action"])
        tree = {"bodies": [county_1, county_2]}
        stats = await client.get(
            "/v1/stats", headers=bearer(office, roles=["case_management_office"], **tree)
        )
        assert stats.status_code == 200
        body = stats.json()
        assert set(body["bodies"]) == {str(office), str(county_1), str(county_2)}
        assert body["total"] == 2
        assert body["by_state"] == {"assigned": 1, "closed_no_action": 1}
        assert body["by_outcome"] == {"no_violation": 1}
        mine = await client.get("/v1/stats", headers=bearer(county_2))
        assert mine.json()["total"] == 1
        auditor = bearer(office, roles=["auditor"], **tree)
        trail = await client.get(f"/v1/assignments/{clues[county_1]['id']}/audit", headers=auditor)
        assert trail.status_code == 200
        entries = trail.json()["entries"]
        assert [e["action"] for e in entries] == ["assign", "accept", "dispose"]
        outside = await client.get(
            f"/v1/assignments/{clues[elsewhere]['id']}/audit", headers=auditor
        )
        assert outside.status_code == 404
