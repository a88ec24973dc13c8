"""Plain aiokafka clients for tests that go through the real broker."""

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Sequence
from typing import TypeVar

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRecord, TopicPartition

T = TypeVar("T")
Record = tuple[str, bytes, bytes, list[tuple[str, bytes]]]
# A bound on waiting, not a performance claim: a new consumer group's first join alone takes ~3 s.
PATIENCE_SECONDS = 60.0


async def publish(bootstrap: str, records: Sequence[Record]) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", enable_idempotence=False)
    await producer.start()
    try:
        for topic, key, value, headers in records:
            await producer.send_and_wait(topic, value=value, key=key, headers=headers)
    finally:
        await producer.stop()


async def eventually(probe: Callable[[], Awaitable[T | None]]) -> T:
    """Polls until the probe returns something truthy; fails after a generous bound."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + PATIENCE_SECONDS
    while True:
        result = await probe()
        if result:
            return result
        if loop.time() > deadline:
            raise AssertionError("the condition never held")
        await asyncio.sleep(0.2)


async def read_topic(
    bootstrap: str, topic: str, *, key: bytes, count: int = 1
) -> list[ConsumerRecord[bytes, bytes]]:
    """Reads the topic from the beginning (no group, so no join) until `count` records of key."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    await consumer.start()
    try:
        await consumer.topics()
        partitions = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic) or ()]
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        found: list[ConsumerRecord[bytes, bytes]] = []

        async def more() -> list[ConsumerRecord[bytes, bytes]] | None:
            batches = await consumer.getmany(timeout_ms=500)
            found.extend(r for records in batches.values() for r in records if r.key == key)
            return found if len(found) >= count else None

        return await eventually(more)
    finally:
        await consumer.stop()


class Tap:
    """Reads topics from the beginning in the background, keeping records by key, so a test
    waits for what it published to come out without a consumer group (and its join) per read."""

    def __init__(self, bootstrap: str, topics: Sequence[str]) -> None:
        self._bootstrap, self._topics = bootstrap, topics
        self._seen: dict[bytes, list[ConsumerRecord[bytes, bytes]]] = {}
        self._task: asyncio.Task[None] | None = None

    async def __aenter__(self) -> "Tap":
        consumer = AIOKafkaConsumer(bootstrap_servers=self._bootstrap, enable_auto_commit=False)
        await consumer.start()
        await consumer.topics()
        partitions = [
            TopicPartition(topic, p)
            for topic in self._topics
            for p in consumer.partitions_for_topic(topic) or ()
        ]
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        self._task = asyncio.create_task(self._read(consumer))
        return self

    async def __aexit__(self, *_: object) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _read(self, consumer: AIOKafkaConsumer) -> None:
        try:
            while True:
                batches = await consumer.getmany(timeout_ms=200)
                for records in batches.values():
                    for record in records:
                        self._seen.setdefault(record.key or b"", []).append(record)
        finally:
            await consumer.stop()

    async def records(
        self, key: bytes, until: Callable[[list[ConsumerRecord[bytes, bytes]]], bool]
    ) -> list[ConsumerRecord[bytes, bytes]]:
        async def probe() -> list[ConsumerRecord[bytes, bytes]] | None:
            found = list(self._seen.get(key, ()))
            return found if until(found) else None

        return await eventually(probe)
