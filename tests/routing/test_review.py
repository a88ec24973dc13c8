"""The review queue and decisions by hand: routed from the queue or overridden, with a reason,
audited, published as the next stage; scoped to the officer's commission."""

import itertools
import json
from datetime import datetime
from typing import Any
from uuid import uuid4

import httpx
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.routing.deps import CASE_MANAGEMENT_OFFICE, ROUTING_ADMIN
from services.routing.settings import Settings
from shared.codes import Level
from shared.events.contracts import ClueRouted, ClueStatusChanged
from tests.routing.builders import Deliveries, a_clue, bearer, demo_id, outbox_events
from tests.support.http import serve

OFFICE = CASE_MANAGEMENT_OFFICE
REASON = "被反映人实为市管干部，改由市纪委监委办理"
Sessions = async_sessionmaker[AsyncSession]
# Counties where no commission sits, one per test, so each test's queue is its own.
COUNTIES = (f"3698{n:02d}" for n in itertools.count(10))


async def decide(
    client: httpx.AsyncClient, clue_id: object, headers: dict[str, str], **body: Any
) -> httpx.Response:
    return await client.post(f"/v1/clues/{clue_id}/decisions", json=body, headers=headers)


class TestRoutingByHand:
    async def test_a_clue_from_the_queue_is_routed_as_stage_two_and_audited(
        self, api_settings: Settings, app: FastAPI, deliveries: Deliveries, sessions: Sessions
    ) -> None:
        clue = a_clue("369921")  # no commission seated there: review
        await deliveries.deliver(clue)
        province = bearer(api_settings, OFFICE, body="prov-cdi")
        admin = bearer(api_settings, ROUTING_ADMIN)
        lead, co = str(demo_id("jz-cdi")), [str(demo_id("jz-audit"))]
        async with serve(app) as client:
            made = await decide(client, clue.clue_id, province, lead_body_id=lead,
                                co_body_ids=co, reason=REASON)  # fmt: skip
            audit = await client.get(
                "/v1/audit", params={"entity": "clue", "key": str(clue.clue_id)}, headers=admin
            )
        assert made.status_code == 201, made.text
        decision = made.json()
        assert (decision["kind"], decision["stage"], decision["outcome"]) == ("review", 2, "route")
        assert decision["decided_by"].startswith("staff:") and decision["reason"] == REASON
        assert decision["rule_set_version"] is None
        (entry,) = audit.json()["items"]
        assert entry["action"] == "decision.review" and entry["detail"]["reason"] == REASON
        assert entry["detail"]["before"]["status"] == "pending_review"
        events = await outbox_events(sessions, clue.clue_id)
        assert [t for t, _ in events][1:] == [
            ClueRouted.event_type(),
            ClueStatusChanged.event_type(),
        ]
        routed = ClueRouted.model_validate_json(events[1][1])
        assert (routed.kind, routed.stage, routed.lead_body_id) == ("review", 2, demo_id("jz-cdi"))
        assert routed.co_body_ids == [demo_id("jz-audit")]
        status = json.loads(events[2][1])
        assert (status["status"], status["stage"], status["sequence"]) == ("routed", 2, 2)
        assert (await deliveries.clue(clue.clue_id)).queued_at is None

    async def test_any_decision_can_be_overridden_and_the_history_keeps_both(
        self, api_settings: Settings, app: FastAPI, deliveries: Deliveries
    ) -> None:
        clue = a_clue("365021")
        await deliveries.deliver(clue)
        city = bearer(api_settings, OFFICE, body="jz-cdi")
        async with serve(app) as client:
            made = await decide(client, clue.clue_id, city, lead_body_id=str(demo_id("jz-cdi")),
                                reason=REASON)  # fmt: skip
            history = await client.get(f"/v1/clues/{clue.clue_id}/decisions", headers=city)
        assert made.status_code == 201 and made.json()["kind"] == "override"
        kinds = [(d["stage"], d["kind"], d["lead_body_id"]) for d in history.json()["items"]]
        assert kinds == [
            (1, "initial", str(demo_id("qh-cdi"))),
            (2, "override", str(demo_id("jz-cdi"))),
        ]

    async def test_no_reason_a_short_one_or_a_lead_outside_the_tree_is_refused(
        self, api_settings: Settings, app: FastAPI, deliveries: Deliveries, sessions: Sessions
    ) -> None:
        clue = a_clue("365021")
        await deliveries.deliver(clue)
        county = bearer(api_settings, OFFICE, body="qh-cdi")
        qh, city = str(demo_id("qh-cdi")), str(demo_id("jz-cdi"))
        async with serve(app) as client:
            answers = [
                (await decide(client, clue.clue_id, county, **body)).status_code
                for body in (
                    {"lead_body_id": qh},
                    {"lead_body_id": qh, "reason": "太短"},
                    {"lead_body_id": city, "reason": REASON},  # above the county: not its tree
                    {
                        "lead_body_id": qh,
                        "co_body_ids": [str(demo_id("yx-audit"))],
                        "reason": REASON,
                    },
                    {"lead_body_id": qh, "co_body_ids": [qh], "reason": REASON},
                )
            ]
            other = await decide(client, uuid4(), county, lead_body_id=qh, reason=REASON)
        assert answers == [422] * 5
        assert other.status_code == 404
        assert len(await deliveries.history(clue.clue_id)) == 1
        assert len(await outbox_events(sessions, clue.clue_id)) == 2

    async def test_another_commissions_clue_cannot_be_decided(
        self, api_settings: Settings, app: FastAPI, deliveries: Deliveries
    ) -> None:
        clue = a_clue("365022")  # 云溪县
        await deliveries.deliver(clue)
        qingh = bearer(api_settings, OFFICE, body="qh-cdi")
        async with serve(app) as client:
            refused = await decide(client, clue.clue_id, qingh,
                                   lead_body_id=str(demo_id("qh-cdi")), reason=REASON)  # fmt: skip
        assert refused.status_code == 404
        assert len(await deliveries.history(clue.clue_id)) == 1


class TestTheQueue:
    async def test_pages_cover_every_pending_clue_once_and_end_without_an_empty_page(
        self, api_settings: Settings, app: FastAPI, deliveries: Deliveries
    ) -> None:
        region = next(COUNTIES)  # a county of its own, nothing seated there
        mine = [a_clue(region) for _ in range(4)]
        for clue in mine:
            await deliveries.deliver(clue)
        await deliveries.deliver(a_clue("365021"))  # routed: not queued
        province = bearer(api_settings, OFFICE, body="prov-cdi")
        async with serve(app) as client:
            pages = await read_pages(client, province, {"region": region, "limit": 2})
            backwards = await read_pages(
                client,
                province,
                {"region": region, "limit": 3, "order": "desc", "sort": "received_at"},
            )
        assert [len(p["items"]) for p in pages] == [2, 2]
        ids = [i["clue_id"] for p in pages for i in p["items"]]
        assert ids == [str(c.clue_id) for c in mine]
        assert [i["clue_id"] for p in backwards for i in p["items"]] == ids[::-1]
        queued = [datetime.fromisoformat(i["queued_at"]) for p in pages for i in p["items"]]
        assert queued == sorted(queued)
        assert all(i["current"]["reason"] for p in pages for i in p["items"])

    async def test_filters_narrow_the_queue_to_what_is_asked(
        self, api_settings: Settings, app: FastAPI, deliveries: Deliveries
    ) -> None:
        region = next(COUNTIES)
        clue = a_clue(region, Level.COUNTY)
        await deliveries.deliver(clue)
        province = bearer(api_settings, OFFICE, body="prov-cdi")
        async with serve(app) as client:
            found = {
                name: [
                    i["clue_id"]
                    for p in await read_pages(client, province, {"region": region, **q})
                    for i in p["items"]
                ]
                for name, q in {
                    "integrity": {"category": "integrity"},
                    "political": {"category": "political"},
                    "initial": {"kind": "initial"},
                    "reroute": {"kind": "reroute"},
                    "report": {"channel": "report"},
                }.items()
            }
        mine = [str(clue.clue_id)]
        assert found == {"integrity": mine, "political": [], "initial": mine, "reroute": [],
                         "report": mine}  # fmt: skip

    async def test_the_queue_shows_only_clues_of_the_commissions_territory(
        self, api_settings: Settings, app: FastAPI, deliveries: Deliveries
    ) -> None:
        outside = a_clue("369921")
        await deliveries.deliver(outside)
        async with serve(app) as client:
            city = await read_pages(client, bearer(api_settings, OFFICE), {"region": "369921"})
            province = await read_pages(
                client, bearer(api_settings, OFFICE, body="prov-cdi"), {"region": "369921"}
            )
        assert str(outside.clue_id) not in {i["clue_id"] for p in city for i in p["items"]}
        assert str(outside.clue_id) in {i["clue_id"] for p in province for i in p["items"]}

    async def test_a_cursor_it_did_not_issue_is_422(
        self, api_settings: Settings, app: FastAPI
    ) -> None:
        async with serve(app) as client:
            response = await client.get(
                "/v1/review-queue",
                params={"cursor": "bm90LWEtY3Vyc29y"},
                headers=bearer(api_settings, OFFICE),
            )
        assert response.status_code == 422


async def read_pages(
    client: httpx.AsyncClient, headers: dict[str, str], params: dict[str, Any]
) -> list[dict[str, Any]]:
    pages: list[dict[str, Any]] = []
    cursor: str | None = None
    for _ in range(1_000):
        query = {**params, **({"cursor": cursor} if cursor else {})}
        response = await client.get("/v1/review-queue", params=query, headers=headers)
        assert response.status_code == 200, response.text
        pages.append(response.json())
        cursor = pages[-1]["next_cursor"]
        if cursor is None:
            return pages
    raise AssertionError("the review queue never ended")
