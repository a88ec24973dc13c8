"""Through the real broker, with routing's worker (relay and consumers) running in-process:
clue.received routed; a redelivered record applied once; a signed assignment.returned
re-routed without that body; a signed case.handoff_requested forwarded to its target and
acknowledged by the target's assignment.accepted, or sent to review when it cannot be."""

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar
from uuid import UUID

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.routing.decisions.model import Decision, TransferStatus
from services.routing.demo import seed_demo
from services.routing.settings import Settings
from services.routing.unit_of_work import RoutingUnitOfWork
from services.routing.worker import build_worker
from shared.codes import Level
from shared.db import make_engine, make_session_factory
from shared.events import Envelope, Event, decode, topics
from shared.events.contracts import ClueRouted, ClueStatusChanged
from shared.events.topics import ALL_WITH_DEAD_LETTERS
from shared.kafka import ensure_topics
from tests.routing.builders import a_clue, a_subject, accepted, demo_id, handoff, returned
from tests.support.databases import DatabaseFactory
from tests.support.events import signed

POLLS = 240  # a bound, not a deadline: enough for the consumer group's first join
T = TypeVar("T")
E = TypeVar("E", bound=Event)
PRODUCERS = {topics.CLUE_RECEIVED: "intake"}


@dataclass
class Routing:
    bootstrap: str
    sessions: async_sessionmaker[AsyncSession]
    producer: AIOKafkaProducer

    async def publish(self, event: Event, *, times: int = 1) -> None:
        topic, key, value, headers = signed(event, producer=PRODUCERS.get(event.TOPIC, "casework"))
        for _ in range(times):
            await self.producer.send_and_wait(topic, value=value, key=key, headers=headers)

    async def history(self, clue_id: UUID, *, length: int) -> list[Decision]:
        async def found() -> list[Decision] | None:
            async with RoutingUnitOfWork(self.sessions) as uow:
                decisions = await uow.clues.history(clue_id)
            return decisions if len(decisions) >= length else None

        return await until(found, f"{length} decisions about {clue_id}")

    async def read(self, topic: str, clue_id: UUID, kind: type[E], *, count: int = 1) -> list[E]:
        return await read(self.bootstrap, topic, clue_id, kind, count=count)


@pytest.fixture(scope="module")
async def routing(
    backend: str, databases: DatabaseFactory, kafka_bootstrap: str
) -> AsyncIterator[Routing]:
    url = databases.fresh(backend, "routing")
    settings = Settings(database_url=url, kafka_bootstrap_servers=kafka_bootstrap)
    await seed_demo(settings)
    await ensure_topics(
        kafka_bootstrap, ALL_WITH_DEAD_LETTERS, partitions=settings.topic_partitions
    )
    engine = make_engine(url)
    producer = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap, acks="all")
    await producer.start()
    try:
        async with build_worker(settings).running():
            yield Routing(kafka_bootstrap, make_session_factory(engine), producer)
    finally:
        await producer.stop()
        await engine.dispose()


class TestFromIntake:
    async def test_a_published_clue_is_routed_once_and_clue_routed_comes_back(
        self, routing: Routing
    ) -> None:
        clue = a_clue("365022", Level.COUNTY)
        await routing.publish(clue, times=2)  # one record delivered twice: one effect
        (decision,) = await routing.history(clue.clue_id, length=1)
        routed = await routing.read(topics.CLUE_ROUTED, clue.clue_id, ClueRouted)
        assert decision.lead_body_id == demo_id("yx-cdi")
        assert routed[0].decision_id == decision.id and routed[0].kind == "initial"
        assert routed[0].rule_set_version == decision.rule_set_version is not None
        await routing.publish(returned(decision, body="yx-cdi"))  # something after, to wait on
        assert len(await routing.history(clue.clue_id, length=2)) == 2


class TestFromCasework:
    async def test_a_returned_clue_is_routed_anew_without_that_body(self, routing: Routing) -> None:
        clue = a_clue("365000", Level.CITY, subjects=[a_subject(Level.CITY, unit="江州市水利局")])
        await routing.publish(clue)
        (first,) = await routing.history(clue.clue_id, length=1)
        await routing.publish(returned(first, body="jz-group-water"))
        second = (await routing.history(clue.clue_id, length=2))[1]
        routed = await read(
            routing.bootstrap, topics.CLUE_ROUTED, clue.clue_id, ClueRouted, count=2
        )
        assert (routed[1].kind, routed[1].stage) == ("reroute", 2)
        assert routed[1].lead_body_id == demo_id("jz-cdi") == second.lead_body_id
        assert demo_id("jz-group-water") not in {routed[1].lead_body_id, *routed[1].co_body_ids}

    async def test_a_handoff_is_forwarded_to_its_target_and_acknowledged_when_signed_for(
        self, routing: Routing
    ) -> None:
        clue = a_clue("365021")
        await routing.publish(clue)
        (first,) = await routing.history(clue.clue_id, length=1)
        request = handoff(first, to="yx-cdi")
        await routing.publish(request)
        second = (await routing.history(clue.clue_id, length=2))[1]
        routed = await read(
            routing.bootstrap, topics.CLUE_ROUTED, clue.clue_id, ClueRouted, count=2
        )
        assert (routed[1].kind, routed[1].lead_body_id, routed[1].handoff_of) == (
            "handoff", demo_id("yx-cdi"), request.assignment_id,
        )  # fmt: skip
        statuses = await read(
            routing.bootstrap, topics.CLUE_STATUS, clue.clue_id, ClueStatusChanged, count=2
        )
        assert (statuses[1].status, statuses[1].stage) == ("transferred", 2)
        await routing.publish(accepted(second, body="yx-cdi"))

        async def acknowledged() -> bool | None:
            async with RoutingUnitOfWork(routing.sessions) as uow:
                (transfer,) = await uow.transfers.of_clue(clue.clue_id)
            return True if transfer.acknowledged_at is not None else None

        assert await until(acknowledged, f"the transfer of {clue.clue_id} acknowledged")

    async def test_a_handoff_outside_the_system_goes_to_review(self, routing: Routing) -> None:
        clue = a_clue("365021")
        await routing.publish(clue)
        (first,) = await routing.history(clue.clue_id, length=1)
        await routing.publish(handoff(first, to=None, target_name="外省某纪委监委"))
        second = (await routing.history(clue.clue_id, length=2))[1]
        assert (second.kind, second.outcome) == ("handoff", "review")
        async with RoutingUnitOfWork(routing.sessions) as uow:
            (transfer,) = await uow.transfers.of_clue(clue.clue_id)
        assert transfer.status is TransferStatus.REFUSED


async def until(probe: Callable[[], Awaitable[T | None]], what: str) -> T:
    for _ in range(POLLS):
        found = await probe()
        if found is not None:
            return found
        await asyncio.sleep(0.25)
    raise AssertionError(f"never saw {what}")


async def read(
    bootstrap: str, topic: str, clue_id: UUID, kind: type[T], *, count: int = 1
) -> list[T]:
    """The first `count` records about the clue, from the start of every partition."""
    consumer = AIOKafkaConsumer(
        topic, bootstrap_servers=bootstrap, group_id=None, auto_offset_reset="earliest"
    )
    await consumer.start()
    found: list[T] = []
    try:
        for _ in range(POLLS):
            for records in (await consumer.getmany(timeout_ms=250)).values():
                for record in records:
                    if record.key == str(clue_id).encode():
                        event = decode(Envelope.from_record(record.headers, record.value))
                        assert isinstance(event, kind)
                        found.append(event)
            if len(found) >= count:
                return found
    finally:
        await consumer.stop()
    raise AssertionError(f"{len(found)} of {count} {topic} records about {clue_id}")
