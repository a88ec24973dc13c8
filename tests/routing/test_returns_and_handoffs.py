"""Returns (退回) and handoffs (移送) through routing's own consumer handlers, on both databases."""

import json
from datetime import date, datetime
from uuid import uuid4

import pytest
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.routing.decisions.model import RoutingStatus, TransferStatus
from services.routing.deps import CASE_MANAGEMENT_OFFICE
from services.routing.settings import Settings
from services.routing.unit_of_work import RoutingUnitOfWork
from shared.codes import Level
from shared.consumer import EventRefused
from shared.events.contracts import ClueRouted, ClueStatusChanged
from shared.workdays import CHINA
from tests.routing.builders import (
    Deliveries,
    a_clue,
    a_subject,
    accepted,
    bearer,
    demo_id,
    handoff,
    outbox_events,
    returned,
)
from tests.support.http import serve

Sessions = async_sessionmaker[AsyncSession]
ROUTED, STATUS = ClueRouted.event_type(), ClueStatusChanged.event_type()
# The day before National Day 2026: five working days later is 13 October, not 7 October.
BEFORE_NATIONAL_DAY = datetime(2026, 9, 30, 10, 0, tzinfo=CHINA)


def water_cadre_clue() -> object:
    return a_clue("365000", Level.CITY, subjects=[a_subject(Level.CITY, unit="江州市水利局")])


class TestReturns:
    async def test_the_lead_returns_it_and_the_rules_route_it_without_that_body(
        self, deliveries: Deliveries, sessions: Sessions
    ) -> None:
        clue = a_clue("365000", Level.CITY, subjects=[a_subject(Level.CITY, unit="江州市水利局")])
        await deliveries.deliver(clue)
        (first,) = await deliveries.history(clue.clue_id)
        assert first.lead_body_id == demo_id("jz-group-water")
        await deliveries.deliver(returned(first, body="jz-group-water"))
        second = (await deliveries.history(clue.clue_id))[1]
        assert (second.stage, second.kind, second.lead_body_id) == (2, "reroute", demo_id("jz-cdi"))
        assert "江州市纪委监委驻市水利局纪检监察组退回本线索" in second.reason
        assert "已退回或移送本线索" in second.reason
        record = await deliveries.clue(clue.clue_id)
        assert demo_id("jz-group-water") in record.excluded
        events = await outbox_events(sessions, clue.clue_id)
        assert [t for t, _ in events] == [ROUTED, STATUS, ROUTED, STATUS]
        routed = ClueRouted.model_validate_json(events[2][1])
        assert (routed.kind, routed.stage, routed.lead_body_id) == ("reroute", 2, demo_id("jz-cdi"))
        status = json.loads(events[3][1])
        assert (status["status"], status["stage"], status["sequence"]) == ("routed", 2, 2)

    async def test_when_no_other_body_fits_it_waits_for_review_never_back_to_the_same(
        self, deliveries: Deliveries, sessions: Sessions
    ) -> None:
        clue = a_clue("365021")
        await deliveries.deliver(clue)
        (first,) = await deliveries.history(clue.clue_id)
        await deliveries.deliver(returned(first, body="qh-cdi"))
        second = (await deliveries.history(clue.clue_id))[1]
        assert (second.outcome, second.lead_body_id) == ("review", None)
        assert "清河县纪委监委）已退回或移送本线索" in second.reason
        record = await deliveries.clue(clue.clue_id)
        assert record.status is RoutingStatus.PENDING_REVIEW and record.queued_at is not None
        status = json.loads((await outbox_events(sessions, clue.clue_id))[-1][1])
        assert (status["status"], status["stage"]) == ("pending_review", 2)

    async def test_a_co_body_that_returns_it_is_dropped_and_never_chosen_again(
        self, deliveries: Deliveries
    ) -> None:
        clue = a_clue("365022", leader=True)  # 云溪县, with 江州市纪委监委 as co-body
        await deliveries.deliver(clue)
        (first,) = await deliveries.history(clue.clue_id)
        assert first.co_body_ids == (demo_id("jz-cdi"),)
        await deliveries.deliver(returned(first, body="jz-cdi", lead=False))
        record = await deliveries.clue(clue.clue_id)
        assert len(await deliveries.history(clue.clue_id)) == 1
        assert record.co_body_ids == () and demo_id("jz-cdi") in record.excluded
        await deliveries.deliver(returned(first, body="yx-cdi"))
        second = (await deliveries.history(clue.clue_id))[1]
        assert second.outcome == "review"  # the county returned it, the level above as well

    async def test_a_return_delivered_twice_or_from_an_older_decision_changes_nothing(
        self, deliveries: Deliveries, sessions: Sessions
    ) -> None:
        clue = water_cadre_clue()
        await deliveries.deliver(clue)
        (first,) = await deliveries.history(clue.clue_id)
        back = returned(first, body="jz-group-water")
        await deliveries.deliver(back)
        await deliveries.deliver(back)
        await deliveries.deliver(returned(first, body="jz-group-water"))  # stage 1 again
        assert len(await deliveries.history(clue.clue_id)) == 2
        assert len(await outbox_events(sessions, clue.clue_id)) == 4

    async def test_a_return_for_a_clue_routing_never_saw_is_refused(
        self, deliveries: Deliveries
    ) -> None:
        clue = a_clue()
        await deliveries.deliver(clue)
        (first,) = await deliveries.history(clue.clue_id)
        stray = returned(first, body="qh-cdi").model_copy(update={"clue_id": uuid4()})
        with pytest.raises(EventRefused):
            await deliveries.deliver(stray)


class TestHandoffs:
    async def test_a_whole_handoff_records_the_transfer_and_routes_it_to_the_target(
        self, deliveries: Deliveries, sessions: Sessions
    ) -> None:
        clue = a_clue("365021")
        await deliveries.deliver(clue)
        (first,) = await deliveries.history(clue.clue_id)
        request = handoff(first, to="yx-cdi", requested_at=BEFORE_NATIONAL_DAY)
        await deliveries.deliver(request)
        second = (await deliveries.history(clue.clue_id))[1]
        assert (second.kind, second.stage, second.lead_body_id) == ("handoff", 2, demo_id("yx-cdi"))
        assert (second.handoff_of, second.from_body_id) == (
            request.assignment_id,
            demo_id("qh-cdi"),
        )
        assert "清河县纪委监委移送" in second.reason
        async with RoutingUnitOfWork(sessions) as uow:
            (transfer,) = await uow.transfers.of_clue(clue.clue_id)
        assert transfer.status is TransferStatus.FORWARDED
        assert (transfer.to_body_id, transfer.decision_id) == (demo_id("yx-cdi"), second.id)
        assert (transfer.due.due_on, transfer.due.provisional) == (date(2026, 10, 13), False)
        events = await outbox_events(sessions, clue.clue_id)
        assert [t for t, _ in events] == [ROUTED, STATUS, ROUTED, STATUS]
        routed = ClueRouted.model_validate_json(events[2][1])
        assert (routed.kind, routed.handoff_of, routed.from_body_id) == (
            "handoff", request.assignment_id, demo_id("qh-cdi"),
        )  # fmt: skip
        assert routed.co_body_ids == [] and routed.part is None
        status = json.loads(events[3][1])
        assert (status["status"], status["body_id"], status["stage"]) == (
            "transferred", str(demo_id("yx-cdi")), 2,
        )  # fmt: skip
        assert (await deliveries.clue(clue.clue_id)).status is RoutingStatus.TRANSFERRED

    async def test_the_receiving_body_signing_for_it_acknowledges_the_transfer(
        self, deliveries: Deliveries, sessions: Sessions
    ) -> None:
        clue = a_clue("365021")
        await deliveries.deliver(clue)
        (first,) = await deliveries.history(clue.clue_id)
        await deliveries.deliver(handoff(first, to="yx-cdi", requested_at=BEFORE_NATIONAL_DAY))
        second = (await deliveries.history(clue.clue_id))[1]
        async with RoutingUnitOfWork(sessions) as uow:
            overdue = await uow.transfers.unacknowledged(
                due_before=datetime(2026, 10, 15, tzinfo=CHINA)
            )
        assert clue.clue_id in {t.clue_id for t in overdue}
        await deliveries.deliver(accepted(first, body="qh-cdi"))  # the sender's: no transfer
        signed = accepted(second, body="yx-cdi")
        await deliveries.deliver(signed)
        async with RoutingUnitOfWork(sessions) as uow:
            (transfer,) = await uow.transfers.of_clue(clue.clue_id)
            still_open = await uow.transfers.unacknowledged()
        assert transfer.acknowledged_at == signed.accepted_at
        assert transfer.acknowledged_assignment_id == signed.assignment_id
        assert clue.clue_id not in {t.clue_id for t in still_open}

    async def test_when_the_receiver_returns_it_the_rules_never_give_it_back_to_the_sender(
        self, deliveries: Deliveries
    ) -> None:
        clue = a_clue("365021")
        await deliveries.deliver(clue)
        (first,) = await deliveries.history(clue.clue_id)
        await deliveries.deliver(handoff(first, to="yx-cdi"))
        second = (await deliveries.history(clue.clue_id))[1]
        await deliveries.deliver(returned(second, body="yx-cdi"))
        third = (await deliveries.history(clue.clue_id))[2]
        assert (third.kind, third.outcome) == ("reroute", "review")
        assert "清河县纪委监委）已退回或移送本线索" in third.reason
        record = await deliveries.clue(clue.clue_id)
        assert {demo_id("qh-cdi"), demo_id("yx-cdi")} <= record.excluded

    async def test_a_split_handoff_sends_the_transferred_part(
        self, deliveries: Deliveries, sessions: Sessions
    ) -> None:
        clue = a_clue("365021")
        await deliveries.deliver(clue)
        (first,) = await deliveries.history(clue.clue_id)
        await deliveries.deliver(handoff(first, to="jz-cdi", split=True))
        routed = ClueRouted.model_validate_json((await outbox_events(sessions, clue.clue_id))[2][1])
        assert (routed.kind, routed.part, routed.lead_body_id) == (
            "split", "涉嫌职务犯罪部分", demo_id("jz-cdi"),
        )  # fmt: skip
        second = (await deliveries.history(clue.clue_id))[1]
        assert "移送部分：涉嫌职务犯罪部分，其余部分由清河县纪委监委继续办理" in second.reason

    @pytest.mark.parametrize(
        ("target", "name", "sender", "why"),
        [
            (
                None,
                "某市公安局经侦支队",
                "qh-cdi",
                "移送目标“某市公安局经侦支队”不在本系统登记范围",
            ),
            ("yx-audit", None, "qh-cdi", "移送目标云溪县审计局已停用"),
            ("qh-cdi", None, "qh-cdi", "清河县纪委监委不能移送给本机关"),
            ("yx-cdi", None, "jz-cdi", "移送机关不是本线索当前的主办机关"),
        ],
    )
    async def test_a_target_that_cannot_take_it_sends_it_to_review_and_tells_the_agency_nothing(
        self,
        deliveries: Deliveries,
        sessions: Sessions,
        target: str | None,
        name: str | None,
        sender: str,
        why: str,
    ) -> None:
        clue = a_clue("365021")
        await deliveries.deliver(clue)
        (first,) = await deliveries.history(clue.clue_id)
        request = handoff(first, to=target, target_name=name, body_id=demo_id(sender))
        await deliveries.deliver(request)
        second = (await deliveries.history(clue.clue_id))[1]
        assert (second.kind, second.outcome) == ("handoff", "review") and why in second.reason
        record = await deliveries.clue(clue.clue_id)
        assert record.status is RoutingStatus.PENDING_REVIEW and record.pending_handoff_id
        assert len(await outbox_events(sessions, clue.clue_id)) == 2  # stage 1's only
        async with RoutingUnitOfWork(sessions) as uow:
            (transfer,) = await uow.transfers.of_clue(clue.clue_id)
        assert transfer.status is TransferStatus.REFUSED and transfer.refusal == why

    async def test_an_officer_places_a_refused_handoff_and_the_transfer_goes_on(
        self, deliveries: Deliveries, sessions: Sessions, api_settings: Settings, app: FastAPI
    ) -> None:
        clue = a_clue("365021")
        await deliveries.deliver(clue)
        (first,) = await deliveries.history(clue.clue_id)
        request = handoff(first, to=None, target_name="外省某纪委监委")
        await deliveries.deliver(request)
        county = bearer(api_settings, CASE_MANAGEMENT_OFFICE, body="jz-cdi")
        async with serve(app) as client:
            queue = await client.get(
                "/v1/review-queue", params={"kind": "handoff", "region": "365021"}, headers=county
            )
            assert str(clue.clue_id) in {i["clue_id"] for i in queue.json()["items"]}
            made = await client.post(
                f"/v1/clues/{clue.clue_id}/decisions",
                json={
                    "lead_body_id": str(demo_id("yx-cdi")),
                    "reason": "经核实应由云溪县纪委监委办理",
                },
                headers=county,
            )
        assert made.status_code == 201, made.text
        assert (made.json()["kind"], made.json()["handoff_of"]) == (
            "review",
            str(request.assignment_id),
        )
        events = await outbox_events(sessions, clue.clue_id)
        assert json.loads(events[-1][1])["status"] == "transferred"
        async with RoutingUnitOfWork(sessions) as uow:
            (transfer,) = await uow.transfers.of_clue(clue.clue_id)
        assert transfer.status is TransferStatus.FORWARDED
        assert transfer.to_body_id == demo_id("yx-cdi")

    async def test_the_same_handoff_delivered_again_changes_nothing(
        self, deliveries: Deliveries, sessions: Sessions
    ) -> None:
        clue = a_clue("365021")
        await deliveries.deliver(clue)
        (first,) = await deliveries.history(clue.clue_id)
        request = handoff(first, to="yx-cdi")
        await deliveries.deliver(request)
        await deliveries.deliver(request.model_copy(update={"target_body_id": demo_id("jz-cdi")}))
        assert len(await deliveries.history(clue.clue_id)) == 2
        assert len(await outbox_events(sessions, clue.clue_id)) == 4
