"""Through the real broker: clue.received in, a decision recorded, clue.routed out."""

import asyncio
from uuid import UUID

import httpx
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from services.routing.api import CASE_MANAGEMENT
from services.routing.app import create_app
from services.routing.settings import Settings
from services.routing.worker import build_worker
from shared.codes import Level
from shared.events import Envelope, decode, topics
from shared.events.contracts import ClueReceived, ClueRouted
from shared.events.topics import ALL_WITH_DEAD_LETTERS
from shared.kafka import ensure_topics
from tests.routing.builders import a_clue, bearer, demo_id
from tests.support.events import signed
from tests.support.http import serve

POLLS = 240  # a bound, not a deadline: enough for the consumer group's first join


async def test_a_published_clue_is_routed_and_clue_routed_comes_back(
    seeded_url: str, kafka_bootstrap: str
) -> None:
    settings = Settings(database_url=seeded_url, kafka_bootstrap_servers=kafka_bootstrap)
    await ensure_topics(
        kafka_bootstrap, ALL_WITH_DEAD_LETTERS, partitions=settings.topic_partitions
    )
    clue = a_clue("365022", Level.COUNTY)
    async with build_worker(settings).running(), serve(create_app(settings)) as client:
        await publish(kafka_bootstrap, clue)
        decision = await wait_for_decision(client, clue.clue_id, bearer(settings, CASE_MANAGEMENT))
        routed = await read_routed(kafka_bootstrap, clue.clue_id)
    assert decision["lead_body_id"] == str(demo_id("yx-cdi"))
    assert routed.decision_id == UUID(decision["id"])
    assert routed.lead_body_id == demo_id("yx-cdi")
    assert routed.receipt_number == clue.receipt_number


async def publish(bootstrap: str, clue: ClueReceived) -> None:
    topic, key, value, headers = signed(clue, producer="intake")
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all")
    await producer.start()
    try:
        await producer.send_and_wait(topic, value=value, key=key, headers=headers)
    finally:
        await producer.stop()


async def wait_for_decision(
    client: httpx.AsyncClient, clue_id: UUID, headers: dict[str, str]
) -> dict[str, object]:
    for _ in range(POLLS):
        response = await client.get(f"/v1/decisions/{clue_id}", headers=headers)
        if response.status_code == 200:
            return dict(response.json())
        assert response.status_code == 404
        await asyncio.sleep(0.25)
    raise AssertionError(f"clue {clue_id} was never routed")


async def read_routed(bootstrap: str, clue_id: UUID) -> ClueRouted:
    # No group: every partition from the start, without waiting for a group join.
    consumer = AIOKafkaConsumer(
        topics.CLUE_ROUTED, bootstrap_servers=bootstrap, group_id=None, auto_offset_reset="earliest"
    )
    await consumer.start()
    try:
        for _ in range(POLLS):
            for records in (await consumer.getmany(timeout_ms=250)).values():
                for record in records:
                    if record.key == str(clue_id).encode():
                        event = decode(Envelope.from_record(record.headers, record.value))
                        assert isinstance(event, ClueRouted)
                        return event
    finally:
        await consumer.stop()
    raise AssertionError(f"no clue.routed record for {clue_id}")
