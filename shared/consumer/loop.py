"""Kafka consumer loop with the inbox: effect and event id in one transaction, then the offset.

- Poison (see failures.py) goes to `<topic>.dlq` after bounded tries; the loop goes on.
- A transient failure commits nothing: the partitions are sought back and paused, the loop keeps
  polling (so the member keeps its place in the group) and retries after a capped, jittered
  backoff, without limit.
- A rebalance is survived: an offset that cannot be committed is left for the next owner of the
  partition, which is redelivered the batch, and the inbox absorbs it.
`run()` is one life of the Kafka client; the worker supervises it and starts it again if it ends.
"""

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeAlias

from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition
from aiokafka.errors import CommitFailedError, IllegalStateError, KafkaError
from sqlalchemy import Table
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shared.backoff import Backoff
from shared.consumer.apply import apply_events
from shared.consumer.dead_letters import dead_letter_headers
from shared.consumer.failures import EventRefused, Poison, handler_reason, is_transient
from shared.consumer.status import (
    JOINED,
    PAUSED,
    RESTARTING,
    STARTING,
    ConsumerStatus,
    StatusListener,
)
from shared.consumer.types import Handler
from shared.events import Envelope, EnvelopeError, Event, decode
from shared.events.signing import KeyRing, Unauthenticated, WrongProducer
from shared.events.topics import dead_letter
from shared.kafka import KafkaPublisher, Security
from shared.observability import metrics, tracing
from shared.shutdown import Drain

log = logging.getLogger(__name__)

Record: TypeAlias = ConsumerRecord[bytes, bytes]


@dataclass(frozen=True)
class Subscription:
    topic: str
    handler: Handler


@dataclass(frozen=True)
class Decoded:
    record: Record
    event_id: str
    event: Event


class EventConsumer:
    def __init__(
        self,
        *,
        name: str,
        bootstrap_servers: str,
        security: Security | None = None,
        subscriptions: list[Subscription],
        session_factory: async_sessionmaker[AsyncSession],
        inbox: Table,
        dead_letters: KafkaPublisher,
        keyring: KeyRing,
        max_attempts: int = 3,
        session_timeout_ms: int = 6000,
        backoff_max_seconds: float = 30.0,
        after_commit: Callable[[], None] = lambda: None,
    ) -> None:
        self.name = name
        self.status = ConsumerStatus(group=name)
        self._handlers = {s.topic: s.handler for s in subscriptions}
        self._bootstrap_servers = bootstrap_servers
        self._security = dict(security or {})
        self._session_timeout_ms = session_timeout_ms
        self._sessions = session_factory
        self._inbox = inbox
        self._dead_letters = dead_letters
        self._keyring = keyring
        self._max_attempts = max_attempts
        self._after_commit = after_commit
        self._transient = Backoff(initial=0.5, cap=backoff_max_seconds)
        self._retry_at: float | None = None
        # A poll in hand is finished (applied, offsets committed) before the worker stops.
        self.drain = Drain()

    @property
    def joined(self) -> bool:
        return self.status.state == JOINED

    def _client(self) -> AIOKafkaConsumer:
        consumer = AIOKafkaConsumer(
            bootstrap_servers=self._bootstrap_servers,
            group_id=self.name,
            client_id=self.name,
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            session_timeout_ms=self._session_timeout_ms,
            heartbeat_interval_ms=max(self._session_timeout_ms // 3, 500),
            max_poll_records=200,
            # The default 500 ms fetch wait costs ~115 ms per hop on the embedded broker.
            fetch_max_wait_ms=20,
            **self._security,
        )
        consumer.subscribe(list(self._handlers), listener=StatusListener(self.status))
        return consumer

    async def run(self) -> None:
        self.status.state, self.status.assignment = STARTING, []
        consumer = self._client()
        try:
            await consumer.start()
            while True:
                async with self.drain.unit():
                    await self._poll_once(consumer)
        finally:
            self.status.state, self.status.assignment = RESTARTING, []
            await consumer.stop()

    async def _poll_once(self, consumer: AIOKafkaConsumer) -> None:
        loop = asyncio.get_running_loop()
        if self._retry_at is not None and loop.time() >= self._retry_at:
            self._retry_at = None
            consumer.resume(*consumer.paused())
        batches = await consumer.getmany(timeout_ms=200)
        self.status.polled()
        pending = list(batches.items())
        for index, (tp, records) in enumerate(pending):
            if tp not in consumer.assignment():
                continue  # revoked meanwhile: its next owner reads these again
            try:
                await self._process(records)
            except Exception as exc:
                if not is_transient(exc):
                    raise
                self._hold(consumer, pending[index:], exc)
                return
            self._transient.reset()
            if self.status.state == PAUSED:
                self.status.state = JOINED
            await self._commit(consumer, tp, records[-1].offset + 1)
            self._track_lag(consumer, tp, records[-1].offset + 1)

    def _hold(
        self,
        consumer: AIOKafkaConsumer,
        unprocessed: list[tuple[TopicPartition, list[Record]]],
        exc: Exception,
    ) -> None:
        """Rewinds what was not applied and pauses fetching until the backoff is over."""
        delay = self._transient.next()
        self.status.state, self.status.last_error = PAUSED, type(exc).__name__
        log.warning("%s: %s; paused, retrying in %.1fs", self.name, type(exc).__name__, delay)
        assigned = consumer.assignment()
        for tp, records in unprocessed:
            if tp in assigned:
                consumer.seek(tp, records[0].offset)
        consumer.pause(*assigned)
        self._retry_at = asyncio.get_running_loop().time() + delay

    async def _commit(self, consumer: AIOKafkaConsumer, tp: TopicPartition, offset: int) -> None:
        try:
            await consumer.commit({tp: offset})
        except (CommitFailedError, IllegalStateError, KafkaError) as exc:
            # The effects are committed in the database; a redelivery is absorbed by the inbox.
            log.info(
                "%s: offset %d of %s not committed (%s)", self.name, offset, tp, type(exc).__name__
            )

    def _track_lag(self, consumer: AIOKafkaConsumer, tp: TopicPartition, position: int) -> None:
        # Informational only: the embedded broker's end offsets can be off (DESIGN.md).
        highwater = consumer.highwater(tp)
        if highwater is not None:
            self.status.record_lag(tp, max(highwater - position, 0))

    async def _process(self, records: list[Record]) -> None:
        """One transaction for the whole batch; if any record fails for its own sake, the batch
        rolls back and each record is tried on its own. Transient failures propagate."""
        decoded: list[Decoded] = []
        for record in records:
            try:
                decoded.append(self._decode(record))
            except Poison as poison:
                await self._dead_letter(record, poison.reason, attempts=1)
        if not decoded:
            return
        try:
            await self._apply(decoded)
            return
        except Exception as exc:
            if is_transient(exc):
                raise
            log.warning(
                "%s: batch of %d failed (%s); one by one",
                self.name,
                len(decoded),
                type(exc).__name__,
            )
        for item in decoded:
            await self._process_alone(item)

    def _decode(self, record: Record) -> Decoded:
        try:
            envelope = Envelope.from_record(record.headers, record.value)
        except EnvelopeError as exc:
            raise Poison("undecodable", str(exc)) from None
        try:
            self._keyring.producer(record.topic, list(record.headers or ()), record.value or b"")
        except Unauthenticated as exc:
            raise Poison("unauthenticated", str(exc)) from None
        except WrongProducer as exc:
            raise Poison("wrong-producer", str(exc)) from None
        try:
            event = decode(envelope)
        except EnvelopeError as exc:
            raise Poison("contract-invalid", str(exc)) from None
        if record.topic != event.TOPIC:
            raise Poison("wrong-topic", f"{envelope.type} does not belong on {record.topic}")
        return Decoded(record, envelope.id, event)

    async def _process_alone(self, item: Decoded) -> None:
        reason = ""
        for attempt in range(1, self._max_attempts + 1):
            try:
                await self._apply([item])
                return
            except Exception as exc:
                if is_transient(exc):
                    raise
                reason = handler_reason(exc)
                log.warning(
                    "%s: event %s attempt %d: %s", self.name, item.event_id, attempt, reason
                )
                if isinstance(exc, EventRefused):
                    break
                await asyncio.sleep(0.1 * 2**attempt)
        await self._dead_letter(item.record, reason, attempts=attempt)

    async def _apply(self, items: list[Decoded]) -> None:
        events = [(item.event_id, item.event) for item in items]
        traces = {item.event_id: tracing.traceparent(item.record.headers) for item in items}
        with metrics.applying(self.name, items[0].record.topic):
            await apply_events(
                self._sessions,
                self._inbox,
                consumer=self.name,
                handlers=self._handlers,
                events=events,
                traces=traces,
            )
        self._after_commit()

    async def _dead_letter(self, record: Record, reason: str, *, attempts: int) -> None:
        headers = dead_letter_headers(record, reason=reason, consumer=self.name, attempts=attempts)
        event_id = dict(record.headers or ()).get("ce_id", b"?").decode("utf-8", "replace")
        log.error(
            "%s: dead-lettering %s %s@%d (event %s): %s",
            self.name,
            record.topic,
            record.partition,
            record.offset,
            event_id[:36],
            reason,
        )
        key = (record.key or b"").decode("utf-8", "replace")
        await self._dead_letters.send(
            (dead_letter(record.topic), key, record.value or b"", headers)
        )
        metrics.dead_lettered(self.name, record.topic, reason)
