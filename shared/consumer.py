"""Kafka consumer loop with the inbox: effect and event id in one transaction, then the offset.

A record that keeps failing goes to `<topic>.dlq` with the error after bounded attempts, and the
consumer moves on. Offsets are committed only after the transaction (or the dead-lettering).
"""

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from aiokafka import AIOKafkaConsumer, ConsumerRecord
from sqlalchemy import Table
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shared.events import Envelope, EnvelopeError, Event, decode
from shared.events.topics import dead_letter
from shared.inbox import claim
from shared.kafka import KafkaPublisher

log = logging.getLogger(__name__)

Handler = Callable[[AsyncSession, Event], Awaitable[None]]
Decoded = tuple[ConsumerRecord[bytes, bytes], str, Event]


@dataclass(frozen=True)
class Subscription:
    topic: str
    handler: Handler


class EventConsumer:
    def __init__(
        self,
        *,
        name: str,
        bootstrap_servers: str,
        subscriptions: list[Subscription],
        session_factory: async_sessionmaker[AsyncSession],
        inbox: Table,
        dead_letters: KafkaPublisher,
        max_attempts: int = 3,
        session_timeout_ms: int = 6000,
        after_commit: Callable[[], None] = lambda: None,
    ) -> None:
        self.name = name
        self._handlers = {s.topic: s.handler for s in subscriptions}
        self._sessions = session_factory
        self._inbox = inbox
        self._dead_letters = dead_letters
        self._max_attempts = max_attempts
        self._after_commit = after_commit
        self._consumer = AIOKafkaConsumer(
            *self._handlers,
            bootstrap_servers=bootstrap_servers,
            group_id=name,
            client_id=name,
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            session_timeout_ms=session_timeout_ms,
            heartbeat_interval_ms=max(session_timeout_ms // 3, 500),
            max_poll_records=200,
            # The default 500 ms fetch wait costs ~115 ms per hop on the embedded broker.
            fetch_max_wait_ms=20,
        )

    @property
    def joined(self) -> bool:
        """True once the group gave this member partitions (readiness reports it)."""
        return bool(self._consumer.assignment())

    async def run(self) -> None:
        try:
            await self._start_with_retry()
            while True:
                batches = await self._consumer.getmany(timeout_ms=200)
                for tp, records in batches.items():
                    await self._process_batch(records)
                    # Per batch: a crash before this replays the batch, and the inbox absorbs it.
                    await self._consumer.commit({tp: records[-1].offset + 1})
        finally:
            await self._consumer.stop()

    async def _start_with_retry(self) -> None:
        delay = 0.5
        while True:
            try:
                await self._consumer.start()
                return
            except Exception as exc:
                log.warning("%s: broker not reachable (%s); retrying", self.name, exc)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 5.0)

    async def _process_batch(self, records: list[ConsumerRecord[bytes, bytes]]) -> None:
        """One transaction for the whole batch (one commit instead of one per record); if any
        record fails, the batch rolls back and each record is retried on its own."""
        decoded: list[Decoded] = []
        for record in records:
            try:
                envelope = Envelope.from_record(record.headers, record.value)
                decoded.append((record, envelope.id, decode(envelope)))
            except EnvelopeError as exc:
                await self._dead_letter(record, f"undecodable: {exc}")
        if not decoded:
            return
        try:
            await self._apply(decoded)
        except Exception as exc:
            log.warning("%s: batch of %d failed (%s); one by one", self.name, len(decoded), exc)
            for item in decoded:
                await self._process_alone(item)

    async def _process_alone(self, item: Decoded) -> None:
        last_error = ""
        for attempt in range(1, self._max_attempts + 1):
            try:
                await self._apply([item])
                return
            except Exception as exc:
                last_error = f"{type(exc).__name__}: {exc}"
                log.warning("%s: %s attempt %d: %s", self.name, item[1], attempt, last_error)
                await asyncio.sleep(0.1 * 2**attempt)
        await self._dead_letter(item[0], last_error)

    async def _apply(self, items: list[Decoded]) -> None:
        async with self._sessions() as session, session.begin():
            for record, event_id, event in items:
                if await claim(session, self._inbox, consumer=self.name, event_id=event_id):
                    await self._handlers[record.topic](session, event)
        self._after_commit()

    async def _dead_letter(self, record: ConsumerRecord[bytes, bytes], error: str) -> None:
        headers = [
            *list(record.headers or ()),
            ("dlq_error", error[:2000].encode()),
            ("dlq_consumer", self.name.encode()),
            ("dlq_source_partition", str(record.partition).encode()),
            ("dlq_source_offset", str(record.offset).encode()),
        ]
        key = (record.key or b"").decode("utf-8", "replace")
        log.error("%s: dead-lettering %s@%d: %s", self.name, record.topic, record.offset, error)
        value = record.value or b""
        await self._dead_letters.send((dead_letter(record.topic), key, value, headers))
