"""What every service process runs beside its API: engine, outbox relay, consumers."""

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import timedelta

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import JSONResponse
from sqlalchemy import MetaData, Table, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from shared.consumer import EventConsumer, Subscription
from shared.db import make_engine, make_session_factory
from shared.events.topics import ALL_WITH_DEAD_LETTERS
from shared.kafka import KafkaPublisher, broker_reachable, ensure_topics
from shared.outbox import OutboxRelay
from shared.settings import ServiceSettings

log = logging.getLogger(__name__)


@dataclass
class Runtime:
    """Built in the lifespan of one process; never at import (cosmicpython issue #120)."""

    name: str
    settings: ServiceSettings
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    outbox: Table
    inbox: Table
    publisher: KafkaPublisher
    relay: OutboxRelay
    tasks: list[asyncio.Task[None]] = field(default_factory=list)
    consumers: list[EventConsumer] = field(default_factory=list)

    @classmethod
    def build(cls, name: str, settings: ServiceSettings, metadata: MetaData) -> "Runtime":
        engine = make_engine(settings.database_url)
        sessions = make_session_factory(engine)
        outbox = metadata.tables["outbox_messages"]
        publisher = KafkaPublisher(settings.kafka_bootstrap_servers, client_id=name)
        relay = OutboxRelay(
            sessions,
            outbox,
            publisher,
            poll_seconds=settings.outbox_poll_seconds,
            retention=timedelta(hours=settings.outbox_retention_hours),
        )
        return cls(
            name=name,
            settings=settings,
            engine=engine,
            sessions=sessions,
            outbox=outbox,
            inbox=metadata.tables["processed_messages"],
            publisher=publisher,
            relay=relay,
        )

    def consumer(self, subscriptions: list[Subscription]) -> EventConsumer:
        return EventConsumer(
            name=self.name,
            bootstrap_servers=self.settings.kafka_bootstrap_servers,
            subscriptions=subscriptions,
            session_factory=self.sessions,
            inbox=self.inbox,
            dead_letters=self.publisher,
            max_attempts=self.settings.consumer_max_attempts,
            session_timeout_ms=self.settings.kafka_session_timeout_ms,
            after_commit=self.relay.wake,
        )

    async def start(self, subscriptions: list[Subscription]) -> None:
        if not (self.settings.run_relay or self.settings.run_consumers):
            return
        self.tasks.append(asyncio.create_task(self._prepare_broker(subscriptions)))

    async def _prepare_broker(self, subscriptions: list[Subscription]) -> None:
        # The API serves (and intake accepts referrals into the outbox) while the broker is away.
        delay = 0.5
        while True:
            try:
                await ensure_topics(
                    self.settings.kafka_bootstrap_servers,
                    ALL_WITH_DEAD_LETTERS,
                    partitions=self.settings.topic_partitions,
                )
                break
            except Exception as exc:
                log.warning("%s: cannot create topics yet (%s)", self.name, type(exc).__name__)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 5.0)
        if self.settings.run_relay:
            self.tasks.append(asyncio.create_task(self.relay.run()))
        if self.settings.run_consumers and subscriptions:
            consumer = self.consumer(subscriptions)
            self.consumers.append(consumer)
            self.tasks.append(asyncio.create_task(consumer.run()))

    async def stop(self) -> None:
        for task in self.tasks:
            task.cancel()
        for task in self.tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        await self.publisher.stop()
        await self.engine.dispose()

    def consumer_state(self) -> str:
        if not self.consumers:
            return "none"
        return "joined" if all(c.joined for c in self.consumers) else "joining"

    async def database_ready(self) -> bool:
        try:
            async with self.engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
            return True
        except Exception:
            return False


def lifespan_for(
    runtime_factory: Callable[[FastAPI], Runtime],
    subscriptions: Callable[[Runtime], list[Subscription]],
) -> Callable[[FastAPI], contextlib.AbstractAsyncContextManager[None]]:
    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        runtime = runtime_factory(app)
        app.state.runtime = runtime
        await runtime.start(subscriptions(runtime))
        try:
            yield
        finally:
            await runtime.stop()

    return lifespan


def health_router() -> APIRouter:
    router = APIRouter(tags=["health"])

    @router.get("/healthz", summary="The process is up")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @router.get("/readyz", summary="The database and the broker are reachable")
    async def readyz(request: Request) -> JSONResponse:
        runtime: Runtime = request.app.state.runtime
        checks: dict[str, bool] = {
            "database": await runtime.database_ready(),
            "broker": await broker_reachable(runtime.settings.kafka_bootstrap_servers),
        }
        ok = all(checks.values())
        body = {
            "status": "ready" if ok else "unavailable",
            "checks": checks,
            # Informational: the API serves while a consumer group is still joining.
            "consumers": runtime.consumer_state(),
        }
        return JSONResponse(body, status_code=200 if ok else 503)

    return router
