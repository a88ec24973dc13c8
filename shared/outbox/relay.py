"""The outbox relay: read what is due, publish with no transaction open, then mark.

It runs in the worker process under a lease, so one relay publishes a service's rows. Rows leave
in id order; a row that fails for its own sake (too large, unencodable) is retried with backoff
and after `max_attempts` set aside, and the later rows of the same clue (message key) wait
behind it, while other clues flow: a clue's events never overtake one another. A broker that is
away counts against no row: the relay backs off and tries the same rows again.
"""

import asyncio
import contextlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol

from aiokafka.errors import (
    CorruptRecordException,
    InvalidTimestampError,
    InvalidTopicError,
    MessageSizeTooLargeError,
    RecordListTooLargeError,
    RecordTooLargeError,
)
from sqlalchemy import Row, Table, delete, or_, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from shared.backoff import Backoff, backoff_delay
from shared.clock import utcnow
from shared.events.signing import Signer
from shared.kafka import Record
from shared.shutdown import Drain

log = logging.getLogger(__name__)

# What the broker or the client refuses about one record, whatever the state of the cluster.
ROW_ERRORS: tuple[type[Exception], ...] = (
    MessageSizeTooLargeError,
    RecordTooLargeError,
    RecordListTooLargeError,
    InvalidTopicError,
    CorruptRecordException,
    InvalidTimestampError,
    TypeError,
    ValueError,
)


class Publisher(Protocol):
    async def enqueue(self, record: Record) -> "asyncio.Future[Any]": ...


@dataclass(frozen=True)
class RelayConfig:
    batch_size: int = 500
    poll_seconds: float = 0.05
    max_attempts: int = 8
    backoff_base_seconds: float = 1.0
    backoff_max_seconds: float = 60.0
    retention: timedelta = timedelta(days=7)


@dataclass
class Round:
    published: list[int] = field(default_factory=list)
    failed: dict[int, tuple[int, str]] = field(default_factory=dict)  # id -> (attempts, error)
    broker_error: BaseException | None = None


class OutboxRelay:
    def __init__(
        self,
        engine: AsyncEngine,
        table: Table,
        publisher: Publisher,
        signer: Signer,
        config: RelayConfig = RelayConfig(),
    ) -> None:
        self._engine = engine
        self._table = table
        self._publisher = publisher
        self._signer = signer
        self._config = config
        self._wake = asyncio.Event()
        self.poll_seconds = config.poll_seconds
        self.last_error: str | None = None
        # A round in hand is finished (sent, acknowledged, marked) before the worker stops.
        self.drain = Drain()

    def wake(self) -> None:
        self._wake.set()

    async def run(self) -> None:
        backoff = Backoff(initial=0.2, cap=5.0)
        last_purge = utcnow()
        while True:
            try:
                async with self.drain.unit():
                    published = await self.publish_pending()
                self.last_error = None
                backoff.reset()
            except Exception as exc:  # the broker or the database is away: wait and retry
                self.last_error = type(exc).__name__
                delay = backoff.next()
                log.warning("outbox relay: %s; retrying in %.1fs", self.last_error, delay)
                await asyncio.sleep(delay)
                continue
            if utcnow() - last_purge > timedelta(minutes=10):
                with contextlib.suppress(Exception):
                    await self.purge_expired()
                last_purge = utcnow()
            if published < self._config.batch_size:
                await self._sleep_until_woken()

    async def _sleep_until_woken(self) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), timeout=self.poll_seconds)
        self._wake.clear()

    async def publish_pending(self) -> int:
        """One round; raises when the broker failed, after recording what did get through."""
        rows = await self._due_rows()
        if not rows:
            return 0
        result = await self._send(rows)
        await self._record(result)
        if result.broker_error is not None:
            raise result.broker_error
        return len(rows)

    async def _due_rows(self) -> Sequence[Any]:
        t, now = self._table, utcnow()
        # Autocommit reads: no transaction, so no lock (SQLite's write lock) is held meanwhile.
        async with self._engine.connect() as conn:
            conn = await conn.execution_options(isolation_level="AUTOCOMMIT")
            failing = (
                await conn.execute(
                    select(t.c.id, t.c.message_key, t.c.next_attempt_at, t.c.set_aside_at)
                    .where(t.c.published_at.is_(None), t.c.attempts > 0)
                    .order_by(t.c.id)
                )
            ).all()
            first: dict[str, Any] = {}
            for row in failing:
                first.setdefault(row.message_key, row)
            query = select(
                t.c.id,
                t.c.event_id,
                t.c.topic,
                t.c.message_key,
                t.c.headers,
                t.c.payload,
                t.c.attempts,
            ).where(t.c.published_at.is_(None))
            if first:
                due = [r.id for r in first.values() if _due(r, now)]
                query = query.where(or_(t.c.message_key.not_in(list(first)), t.c.id.in_(due)))
            return (await conn.execute(query.order_by(t.c.id).limit(self._config.batch_size))).all()

    async def _send(self, rows: Sequence[Row[Any]]) -> Round:
        result, blocked = Round(), set[str]()
        sent: list[tuple[Row[Any], asyncio.Future[Any]]] = []
        for row in rows:
            if row.message_key in blocked:
                continue
            try:
                future = await self._publisher.enqueue(self._record_of(row))
            except ROW_ERRORS as exc:
                self._fail(result, row, exc)
                blocked.add(row.message_key)
                continue
            except Exception as exc:
                result.broker_error = exc
                break
            sent.append((row, future))
        outcomes = await asyncio.gather(*(f for _, f in sent), return_exceptions=True)
        for (row, _), outcome in zip(sent, outcomes, strict=True):
            if not isinstance(outcome, BaseException):
                result.published.append(row.id)
            elif isinstance(outcome, ROW_ERRORS):
                self._fail(result, row, outcome)
            else:
                result.broker_error = outcome
        return result

    def _record_of(self, row: Row[Any]) -> Record:
        headers = [(str(name), str(value).encode()) for name, value in row.headers]
        return (row.topic, row.message_key, row.payload, self._signer.sign(headers, row.payload))

    def _fail(self, result: Round, row: Row[Any], exc: BaseException) -> None:
        error = f"{type(exc).__name__}: {str(exc)[:300]}"
        result.failed[row.id] = (row.attempts + 1, error)
        log.warning("outbox row %s (%s, %s) failed: %s", row.id, row.event_id, row.topic, error)

    async def _record(self, result: Round) -> None:
        t, now = self._table, utcnow()
        async with self._engine.begin() as conn:
            if result.published:
                await conn.execute(
                    update(t).where(t.c.id.in_(result.published)).values(published_at=now)
                )
            for row_id, (attempts, error) in result.failed.items():
                delay = backoff_delay(
                    attempts,
                    base=self._config.backoff_base_seconds,
                    cap=self._config.backoff_max_seconds,
                )
                aside = attempts >= self._config.max_attempts
                await conn.execute(
                    update(t)
                    .where(t.c.id == row_id)
                    .values(
                        attempts=attempts,
                        last_error=error,
                        next_attempt_at=now + timedelta(seconds=delay),
                        set_aside_at=now if aside else None,
                    )
                )

    async def purge_expired(self) -> int:
        t = self._table
        cutoff = utcnow() - self._config.retention
        async with self._engine.begin() as conn:
            result = await conn.execute(
                delete(t).where(t.c.published_at.is_not(None), t.c.published_at < cutoff)
            )
        return int(getattr(result, "rowcount", 0) or 0)

    async def republish(self, event_ids: Sequence[str]) -> int:
        """Mark rows unpublished again so the relay sends them anew (reconciliation's repair)."""
        t = self._table
        async with self._engine.begin() as conn:
            result = await conn.execute(
                update(t).where(t.c.event_id.in_(list(event_ids))).values(published_at=None)
            )
        self.wake()
        return int(getattr(result, "rowcount", 0) or 0)


def _due(row: Row[Any], now: datetime) -> bool:
    return row.set_aside_at is None and (row.next_attempt_at is None or row.next_attempt_at <= now)
