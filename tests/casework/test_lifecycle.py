"""Every path of the lifecycle through real HTTP and the real broker: clue.routed (and
clue.linked) published signed by routing, casework's worker running in-process, and what
casework publishes read back from the broker."""

from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID, uuid4

import httpx
import pytest_asyncio

from services.casework.app import create_app
from services.casework.settings import Settings
from services.casework.worker import build_worker
from shared.events import Envelope, Event, decode
from shared.events.contracts import CaseConcluded, CaseProgressed, ClueRouted, ClueStatusChanged
from shared.events.topics import ALL_WITH_DEAD_LETTERS, OWNERS
from shared.kafka import ensure_topics
from shared.workdays import CHINA
from tests.casework.builders import Desk, handoff_of, linked, routed
from tests.casework.kafka_io import Tap, eventually, publish
from tests.casework.paths import BODIES, PATHS, View, dispose, step, walk
from tests.support.databases import DatabaseFactory
from tests.support.events import signed
from tests.support.http import serve

OUT = sorted(topic for topic, owners in OWNERS.items() if "casework" in owners)


@dataclass
class Live:
    client: httpx.AsyncClient
    tap: Tap
    bootstrap: str

    async def route(self, event: Event) -> None:
        await publish(self.bootstrap, [signed(event, producer="routing")])

    async def assigned(self, event: ClueRouted, body: UUID) -> tuple[Desk, View]:
        desk = Desk(self.client, body)

        async def visible() -> list[Any] | None:
            items = (await desk.inbox(limit=100))["items"]
            mine = [i for i in items if i["clue_id"] == str(event.clue_id)]
            return mine or None

        (item,) = await eventually(visible)
        return desk, await desk.get(UUID(item["id"]))

    async def start(self, **fields: Any) -> tuple[Desk, View, ClueRouted]:
        body = uuid4()
        event = routed(lead=body, **fields)
        await self.route(event)
        desk, view = await self.assigned(event, body)
        return desk, view, event

    async def events(self, clue_id: UUID, count: int) -> list[Event]:
        records = await self.tap.records(str(clue_id).encode(), lambda r: len(r) >= count)
        return [decode(Envelope.from_record(r.headers, r.value)) for r in records]


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def live(
    databases: DatabaseFactory, backend: str, kafka_bootstrap: str
) -> AsyncIterator[Live]:
    await ensure_topics(kafka_bootstrap, ALL_WITH_DEAD_LETTERS)
    settings = Settings(
        database_url=databases.url(backend, "casework"),
        kafka_bootstrap_servers=kafka_bootstrap,
        deadline_check_seconds=0.3,
    )
    async with (
        build_worker(settings).running(),
        serve(create_app(settings)) as client,
        Tap(kafka_bootstrap, OUT) as tap,
    ):
        yield Live(client, tap, kafka_bootstrap)


def kinds(events: list[Event]) -> Counter[str]:
    return Counter(
        f"{e.TOPIC}:{e.action.value}"
        if isinstance(e, CaseProgressed)
        else f"{e.TOPIC}:{e.status.value}"
        if isinstance(e, ClueStatusChanged)
        else e.TOPIC
        for e in events
    )


def statuses(events: list[Event]) -> list[tuple[int | None, int | None, str]]:
    found = [e for e in events if isinstance(e, ClueStatusChanged)]
    return sorted((e.stage, e.sequence, e.status.value) for e in found)


BEGIN = ["clue.status:assigned", "assignment.accepted", "clue.status:accepted"]
DISPOSED = ["case.disposed", "clue.status:in_disposition"]
CONCLUDED = ["case.concluded"]


def expect(*names: str) -> Counter[str]:
    return Counter(names)


class TestToTheEnd:
    async def test_verified_filed_reviewed_concluded_rectified_closed(self, live: Live) -> None:
        co_body = uuid4()
        desk, view, event = await live.start(co=[co_body])
        view = await walk(desk, view, PATHS["concluded"][:-1])
        view = await desk.do(view, "add_note", text="与审计局共享", visibility="shared")
        view = await desk.do(
            view, "conclude", as_supervisor=True, outcome="form_3", summary_for_release="撤职处分"
        )
        view = await walk(desk, view, [step("start_rectification"), step("add_rectification_item")])
        for _ in range(2):
            view = await desk.do(
                view, "complete_rectification_item", **BODIES["complete_rectification_item"](view)
            )
        view = await desk.do(view, "close")
        co_desk, co_view = await live.assigned(event, co_body)
        await co_desk.do(co_view, "accept")
        progressed = [
            "verification_recorded",
            "case_filed",
            "submitted_for_review",
            "note_shared",
            "rectification_started",
            "rectification_item_added",
            "rectification_item_completed",
            "rectification_item_completed",
            "closed",
        ]
        wanted = expect(
            *BEGIN,
            *DISPOSED,
            *CONCLUDED,
            "assignment.accepted",
            *(f"case.progressed:{p}" for p in progressed),
        )
        events = await live.events(event.clue_id, sum(wanted.values()))
        assert kinds(events) == wanted
        (concluded,) = [e for e in events if isinstance(e, CaseConcluded)]
        assert (concluded.outcome.value, concluded.release_summary, concluded.role.value) == (
            "form_3",
            "撤职处分",
            "lead",
        )
        assert (concluded.decision_id, concluded.stage, concluded.assignment_id) == (
            event.decision_id,
            1,
            UUID(view["id"]),
        )
        # The conclusion reaches the agency as case.concluded alone, never twice.
        assert [s[2] for s in statuses(events)] == ["assigned", "accepted", "in_disposition"]
        assert view["state"] == "closed"

    async def test_inquiry_clarified(self, live: Live) -> None:
        desk, view, event = await live.start()
        view = await walk(desk, view, PATHS["clarified_closed"])
        wanted = expect(
            *BEGIN,
            *DISPOSED,
            *CONCLUDED,
            "case.progressed:inquiry_letter_sent",
            "case.progressed:clarified_closed",
        )
        events = await live.events(event.clue_id, sum(wanted.values()))
        assert kinds(events) == wanted
        (concluded,) = [e for e in events if isinstance(e, CaseConcluded)]
        assert concluded.outcome.value == "no_violation" and concluded.release_summary

    async def test_inquiry_escalated_verified_and_closed_without_action(self, live: Live) -> None:
        desk, view, event = await live.start()
        view = await walk(
            desk,
            view,
            [
                *PATHS["inquiry"],
                step("record_inquiry_reply"),
                step("escalate_to_verification"),
                step("record_verification_result"),
                step("close_no_action"),
            ],
        )
        wanted = expect(
            *BEGIN,
            *DISPOSED,
            *CONCLUDED,
            *(
                f"case.progressed:{p}"
                for p in (
                    "inquiry_letter_sent",
                    "inquiry_reply_received",
                    "escalated",
                    "verification_recorded",
                    "closed_no_action",
                )
            ),
        )
        assert kinds(await live.events(event.clue_id, sum(wanted.values()))) == wanted

    async def test_inquiry_concluded_in_the_first_form_and_closed(self, live: Live) -> None:
        desk, view, event = await live.start()
        view = await walk(desk, view, [*PATHS["inquiry"], step("conclude"), step("close")])
        wanted = expect(
            *BEGIN,
            *DISPOSED,
            *CONCLUDED,
            "case.progressed:inquiry_letter_sent",
            "case.progressed:closed",
        )
        assert kinds(await live.events(event.clue_id, sum(wanted.values()))) == wanted

    async def test_closed_without_action_as_the_disposition(self, live: Live) -> None:
        desk, view, event = await live.start()
        await walk(desk, view, PATHS["closed_no_action"])
        wanted = expect(*BEGIN, "case.disposed", *CONCLUDED)
        assert kinds(await live.events(event.clue_id, sum(wanted.values()))) == wanted


class TestEarlyEnds:
    async def test_returned(self, live: Live) -> None:
        desk, view, event = await live.start()
        await desk.do(view, "return", reason="不属于本机关管辖")
        events = await live.events(event.clue_id, 2)
        assert kinds(events) == expect("clue.status:assigned", "assignment.returned")
        (returned,) = [e for e in events if e.TOPIC == "assignment.returned"]
        assert returned.reason == "不属于本机关管辖"

    async def test_shelved_then_woken_by_a_new_clue_on_the_same_subject(self, live: Live) -> None:
        desk, view, event = await live.start()
        view = await walk(desk, view, PATHS["shelved"])
        newer = routed(lead=uuid4())
        await live.route(newer)
        await live.route(linked(newer.clue_id, event.clue_id))
        wanted = expect(
            *BEGIN, "case.disposed", "clue.status:in_disposition", "case.progressed:reactivated"
        )
        assert kinds(await live.events(event.clue_id, sum(wanted.values()))) == wanted
        woken = await desk.get(UUID(view["id"]))
        await walk(desk, woken, [dispose("inquiry")])


class TestHandoffs:
    async def test_the_whole_clue_to_another_body(self, live: Live) -> None:
        desk, view, event = await live.start()
        target = uuid4()
        view = await desk.do(
            view,
            "hand_off",
            as_supervisor=True,
            target_body_id=str(target),
            reason="属于其他机关管辖",
        )
        (requested,) = [
            e for e in await live.events(event.clue_id, 2) if e.TOPIC == "case.handoff_requested"
        ]
        assert (requested.target_body_id, requested.assignment_id) == (
            target,
            UUID(view["id"]),
        )
        onward = handoff_of(event, assignment_id=UUID(view["id"]), to=target)
        await live.route(onward)
        their_desk, theirs = await live.assigned(onward, target)
        await their_desk.do(theirs, "accept")
        events = await live.events(event.clue_id, 5)
        accepted = [e for e in events if e.TOPIC == "assignment.accepted"]
        assert [(e.decision_id, e.stage) for e in accepted] == [(onward.decision_id, 2)]
        assert statuses(events) == [(1, 1, "assigned"), (2, 1, "assigned"), (2, 2, "accepted")]
        refused = await desk.act(view, "add_note", **BODIES["add_note"](view))
        assert refused.status_code == 409

    async def test_a_split_keeps_a_part_and_transfers_the_rest(self, live: Live) -> None:
        desk, view, event = await live.start()
        view = await walk(desk, view, [step("accept"), step("split")])
        part = handoff_of(event, assignment_id=UUID(view["id"]), to=uuid4(), split="职务犯罪部分")
        await live.route(part)
        _, theirs = await live.assigned(part, part.lead_body_id)
        assert (theirs["part"], view["state"]) == ("职务犯罪部分", "accepted")
        events = await live.events(event.clue_id, 5)
        (requested,) = [e for e in events if e.TOPIC == "case.handoff_requested"]
        assert requested.mode.value == "split"


class TestScheduledCheck:
    async def test_raises_overdue_on_the_broker_for_each_clock_that_ran_out(
        self, live: Live
    ) -> None:
        _, view, event = await live.start(at=datetime(2026, 9, 29, 10, tzinfo=CHINA))
        events = await live.events(event.clue_id, 4)
        overdue = sorted(e.clock for e in events if e.TOPIC == "assignment.overdue")
        assert overdue == ["forward", "handling_opinion", "sign_for"]
        reports = [e for e in events if e.TOPIC == "assignment.overdue"]
        assert {e.assignment_id for e in reports} == {UUID(view["id"])}
