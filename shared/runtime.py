"""What an API process holds (engine, sessions, tables) and what its /readyz tells.

API processes serve HTTP only (DESIGN.md, Processes): the relay, the consumers and every other
background task run in the worker process (shared/worker.py), whose liveness /readyz reads from
the heartbeat table.
"""

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import JSONResponse
from sqlalchemy import MetaData, Table, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from shared.apidocs.marks import WITHOUT_STORAGE
from shared.db import make_engine, make_session_factory
from shared.heartbeat import live_beats, summarize
from shared.kafka import broker_reachable, client_options
from shared.outbox.admin import backlog
from shared.settings import ServiceSettings


class Waker(Protocol):
    def wake(self) -> None: ...


class NoRelayHere:
    """An API process has no relay to wake: PostgreSQL's NOTIFY, sent in the committing
    transaction, or the relay's own short poll on SQLite, wakes the worker's."""

    def wake(self) -> None:
        return None


@dataclass
class Runtime:
    """Built in the lifespan of one process; never at import (cosmicpython issue #120)."""

    name: str
    settings: ServiceSettings
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    outbox: Table
    inbox: Table
    heartbeats: Table
    relay: Waker = field(default_factory=NoRelayHere)
    # False when the engine belongs to someone else (a test's transaction): stop() keeps it.
    owns_engine: bool = True

    @classmethod
    def build(
        cls,
        name: str,
        settings: ServiceSettings,
        metadata: MetaData,
        *,
        engine: AsyncEngine | None = None,
        sessions: async_sessionmaker[AsyncSession] | None = None,
    ) -> "Runtime":
        """A runtime on its own engine; or on the caller's `engine` and `sessions` (tests)."""
        owned = engine is None
        engine = engine or make_engine(settings.database_url)
        return cls(
            name=name,
            settings=settings,
            engine=engine,
            sessions=sessions or make_session_factory(engine),
            outbox=metadata.tables["outbox_messages"],
            inbox=metadata.tables["processed_messages"],
            heartbeats=metadata.tables["worker_heartbeats"],
            owns_engine=owned,
        )

    async def stop(self) -> None:
        if self.owns_engine:
            await self.engine.dispose()

    async def database_ready(self) -> bool:
        try:
            async with self.engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
            return True
        except Exception:
            return False

    async def worker_report(self, *, consumes: bool) -> dict[str, Any]:
        beats = await live_beats(
            self.engine, self.heartbeats, stale_seconds=self.settings.heartbeat_stale_seconds
        )
        return {
            "relay": summarize(beats, "relay"),
            "consumers": summarize(beats, "consumer") if consumes else "none",
            "outbox": (await backlog(self.engine, self.outbox)).as_json(),
            "workers": [b.as_json() for b in beats],
        }


RuntimeFactory = Callable[[str, ServiceSettings, MetaData], Runtime]


class HasRuntime(Protocol):
    """A service's typed app state (its `Services`), kept on `app.state.services`."""

    @property
    def runtime(self) -> Runtime: ...


S = TypeVar("S", bound=HasRuntime)


def runtime_of(request: Request) -> Runtime:
    """The process's runtime, from the typed `app.state.services` its lifespan built."""
    runtime = getattr(getattr(request.app.state, "services", None), "runtime", None)
    if not isinstance(runtime, Runtime):
        raise RuntimeError("the app has no runtime: its lifespan did not run")
    return runtime


def services_of(kind: type[S]) -> Callable[[Request], S]:
    """The dependency that finds the app's typed `Services` (deps.py's `ServicesDep`)."""

    def services(request: Request) -> S:
        found = getattr(request.app.state, "services", None)
        if not isinstance(found, kind):
            raise RuntimeError(f"{kind.__qualname__} is built in the app's lifespan")
        return found

    return services


def services_lifespan(
    build: Callable[[], S],
) -> Callable[[FastAPI], contextlib.AbstractAsyncContextManager[None]]:
    """Builds the service's `Services` in the lifespan (never at import) as app.state.services."""

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        services = build()
        app.state.services = services
        try:
            yield
        finally:
            await services.runtime.stop()

    return lifespan


_NOT_READY: dict[str, Any] = {
    "description": "the database does not answer; the body says what was checked",
    "content": {"application/json": {"schema": {"type": "object"}}},
}


def health_router(*, consumes: bool) -> APIRouter:
    router = APIRouter(tags=["health"])

    @router.get("/healthz", summary="The process is up", openapi_extra=WITHOUT_STORAGE)
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @router.get(
        "/readyz",
        summary="Ready while the database answers; the body reports broker, relay, consumers",
        responses={503: _NOT_READY},
    )
    async def readyz(request: Request) -> JSONResponse:
        runtime = runtime_of(request)
        database, broker = await asyncio.gather(
            runtime.database_ready(),
            broker_reachable(
                runtime.settings.kafka_bootstrap_servers,
                security=client_options(runtime.settings),
            ),
        )
        body: dict[str, Any] = {
            "status": "ready" if database else "unavailable",
            "checks": {"database": database},
            "broker": {"reachable": broker},
        }
        if database:
            with contextlib.suppress(Exception):  # the database went away meanwhile
                body.update(await runtime.worker_report(consumes=consumes))
        return JSONResponse(body, status_code=200 if database else 503)

    return router
