"""The relay's publisher, observed: a `send <topic>` span per row and the outbox counters.

It wraps the publisher the relay is given (shared/worker.py), so the relay itself stays as it
is: each record's span starts when it is handed to the producer and ends when the broker
acknowledges or refuses it.
"""

import asyncio
from typing import Any, Protocol

from shared.kafka import Record
from shared.observability import metrics, tracing
from shared.outbox.relay import ROW_ERRORS


class Publisher(Protocol):
    async def enqueue(self, record: Record) -> "asyncio.Future[Any]": ...


class ObservedPublisher:
    def __init__(self, publisher: Publisher) -> None:
        self._publisher = publisher

    async def enqueue(self, record: Record) -> "asyncio.Future[Any]":
        topic, _, _, headers = record
        span = tracing.send_span(topic, headers)
        try:
            future = await self._publisher.enqueue(record)
        except Exception as exc:
            _done(topic, span, exc)
            raise
        future.add_done_callback(lambda f: _done(topic, span, _error(f)))
        return future


def _error(future: "asyncio.Future[Any]") -> BaseException | None:
    return None if not future.done() or future.cancelled() else future.exception()


def _done(topic: str, span: Any, error: BaseException | None) -> None:
    tracing.end_span(span, error)
    if error is None:
        metrics.relayed(topic, published=True)
    elif isinstance(error, ROW_ERRORS):
        metrics.relayed(topic, published=False)
