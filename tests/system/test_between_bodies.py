"""A clue moves between bodies through all three services as real processes over the broker:
handed off (移送) from one commission's inbox to another's, and returned (退回) and placed again
by the case-management office."""

import json
from typing import Any

import httpx
import pytest

from deploy.demo import CITY_COMMISSION
from deploy.system import System
from tests.intake.receiver import Receiver
from tests.system.client import (
    Agency,
    CaseManagementOffice,
    CaseworkApp,
    Caseworker,
    assignment_of,
    credentials,
    poll,
    staff,
)

pytestmark = pytest.mark.system

COUNTY = "清河县纪委监委"


class TestHandoff:
    async def test_the_clue_leaves_the_senders_inbox_actions_and_reaches_the_targets(
        self, system: System
    ) -> None:
        demo = credentials(system)
        city, county = demo.caseworker(CITY_COMMISSION), demo.caseworker(COUNTY)
        agency = Agency(system, demo.agencies[0].api_key)
        city_inbox, county_inbox = Caseworker(system, city.token), Caseworker(system, county.token)
        city_app, county_app = CaseworkApp(system, city.token), CaseworkApp(system, county.token)
        city_supervisor = CaseworkApp(system, staff(demo, CITY_COMMISSION, "supervisor").token)
        office = CaseManagementOffice(system, demo.case_management_office.token)
        try:
            clue = (await agency.refer(subject_name="移送测试", sequence=31))["id"]
            sent = await assignment_of(city_inbox, clue, "the clue in the city's inbox")
            assert (await city_app.act(sent["id"], "accept")).status_code == 200
            handed = await city_supervisor.act(
                sent["id"], "hand_off", target_body_id=county.body_id, reason="属县管干部，移送办理"
            )
            assert handed.status_code == 200, handed.text
            assert handed.json()["state"] == "handed_off"

            received = await assignment_of(county_inbox, clue, "the clue in the county's inbox")
            assert received["state"] == "assigned"
            assert received["id"] != sent["id"]
            shown = await agency.wait_for_status(clue, "assigned")
            assert shown["handling_body"]["name"] == COUNTY
            assert "transferred" in [entry["status"] for entry in shown["timeline"]]

            # The sender keeps reading what it did and can no longer act on it.
            kept = await city_app.assignment(sent["id"])
            assert kept.status_code == 200
            assert kept.json()["state"] == "handed_off"
            assert (
                await city_app.act(sent["id"], "add_note", text="晚到的意见", visibility="internal")
            ).status_code == 409
            assert (await city_app.assignment(received["id"])).status_code == 404

            assert (await county_app.act(received["id"], "accept")).status_code == 200
            record = await poll(
                lambda: office.clue(clue),
                lambda c: bool(c["transfers"]) and c["transfers"][0]["acknowledged_at"],
                "routing to record the county's acknowledgement",
            )
            [transfer] = record["transfers"]
            assert transfer["from_body_id"] == city.body_id
            assert transfer["to_body_id"] == county.body_id
            assert city.body_id in record["excluded_body_ids"]
        finally:
            for client in (agency, city_inbox, county_inbox, city_app, county_app):
                await client.aclose()
            await city_supervisor.aclose()
            await office.aclose()


class TestReturn:
    async def test_a_returned_clue_never_goes_back_silently_and_the_office_places_it(
        self, system: System
    ) -> None:
        demo = credentials(system)
        city, county = demo.caseworker(CITY_COMMISSION), demo.caseworker(COUNTY)
        agency = Agency(system, demo.agencies[0].api_key)
        city_inbox, county_inbox = Caseworker(system, city.token), Caseworker(system, county.token)
        city_app = CaseworkApp(system, city.token)
        office = CaseManagementOffice(system, demo.case_management_office.token)
        try:
            clue = (await agency.refer(subject_name="退回测试", sequence=32))["id"]
            first = await assignment_of(city_inbox, clue, "the clue in the city's inbox")
            returned = await city_app.act(first["id"], "return", reason="被反映人不属本机关管理")
            assert returned.status_code == 200, returned.text

            # No other body fits the rules without the city commission: the office reviews it.
            queued = await poll(
                office.review_queue,
                lambda items: any(i["clue_id"] == clue for i in items),
                "the returned clue in the review queue",
            )
            [item] = [i for i in queued if i["clue_id"] == clue]
            assert city.body_id in (await office.clue(clue))["excluded_body_ids"]
            assert item["clue_id"] == clue
            placed = await office.decide(
                clue, lead_body_id=county.body_id, reason="经审核由清河县纪委监委办理"
            )
            assert placed.status_code in (200, 201), placed.text

            moved = await assignment_of(county_inbox, clue, "the placed clue in the county's inbox")
            assert moved["state"] == "assigned"
            live = [i for i in await city_inbox.inbox() if i["clue_id"] == clue]
            assert [i["state"] for i in live] == ["returned"]
        finally:
            for client in (agency, city_inbox, county_inbox, city_app):
                await client.aclose()
            await office.aclose()


class TestConclusionFedBack:
    async def test_the_agency_reads_the_outcome_and_its_webhook_is_called(
        self, system: System
    ) -> None:
        demo = credentials(system)
        city = demo.caseworker(CITY_COMMISSION)
        sender = demo.agencies[1]
        agency = Agency(system, sender.api_key)
        inbox = Caseworker(system, city.token)
        caseworker = CaseworkApp(system, city.token)
        supervisor = CaseworkApp(system, staff(demo, CITY_COMMISSION, "supervisor").token)
        summary = "经谈话函询，反映问题部分属实，已对其谈话提醒。"
        try:
            async with (
                Receiver() as callback,
                httpx.AsyncClient(
                    base_url=system.url("intake"),
                    headers={"Authorization": f"Bearer {sender.api_key}"},
                    trust_env=False,
                ) as client,
            ):
                hook = await client.post("/v1/webhooks", json={"url": callback.url})
                assert hook.status_code == 201, hook.text
                clue = (await agency.refer(subject_name="办结反馈", sequence=33))["id"]
                item = await assignment_of(inbox, clue, "the clue in the city's inbox")
                steps: list[tuple[CaseworkApp, str, dict[str, Any]]] = [
                    (caseworker, "accept", {}),
                    (supervisor, "dispose", {"disposition": "inquiry", "plan": "函询本人"}),
                    (caseworker, "send_inquiry_letter", {"recipient": "被反映人"}),
                ]
                for app, action, fields in steps:
                    done = await app.act(item["id"], action, **fields)
                    assert done.status_code == 200, (action, done.text)
                [letter] = done.json()["letters"]
                replied = await caseworker.act(
                    item["id"], "record_inquiry_reply", letter_id=letter["id"], summary="已说明"
                )
                assert replied.status_code == 200, replied.text
                concluded = await supervisor.act(
                    item["id"], "conclude", outcome="form_1", summary_for_release=summary
                )
                assert concluded.status_code == 200, concluded.text

                shown = await agency.wait_for_status(clue, "concluded")
                assert (shown["outcome"], shown["outcome_summary"]) == ("form_1", summary)
                calls = await poll(
                    lambda: _calls_about(callback, clue),
                    lambda found: any(c["status"] == "concluded" for c in found),
                    "the agency's webhook to hear of the conclusion",
                )
                [final] = [c for c in calls if c["status"] == "concluded"]
                assert (final["outcome"], final["outcome_summary"]) == ("form_1", summary)
        finally:
            for closing in (agency, inbox, caseworker, supervisor):
                await closing.aclose()


async def _calls_about(callback: Receiver, clue: str) -> list[dict[str, Any]]:
    payloads = [json.loads(r.body) for r in callback.requests]
    return [p for p in payloads if p.get("referral_id") == clue]
