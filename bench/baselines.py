"""The baselines `make bench` measures in the same run, so intake's throughput reads as ratios.

DESIGN.md ("Non-functional targets"): with 2 workers on PostgreSQL, intake must sustain at least
1.5× a naive FastAPI endpoint doing an ORM insert plus an outbox row in one transaction, and
0.5× the same insert through a bare asyncpg pool, measured side by side. The two baselines:

- `orm`: FastAPI, a Pydantic body model, mapped classes; AsyncSession.add of the referral and
  of its outbox row, one commit. What one writes first.
- `asyncpg`: a raw ASGI app; the body is parsed with orjson and nothing else is checked; one
  INSERT of the referral on an asyncpg pool (autocommit: no outbox row, no explicit
  transaction).

Both take what the load generator sends intake (POST /v1/referrals, the demo referral; the
Authorization and Idempotency-Key headers are ignored) and answer 201 with the new id, as intake
does. Each is served by uvicorn (the services' server, loop and HTTP parser) with intake's
number of workers, as a child process in its own session on a free loopback port, against a
fresh database of its own that `measure` creates and drops. The tables are created here before
the server starts (two workers creating them at once would race). A worker's pool may grow to
20 connections, as shared.db.make_engine lets the services': the pool is not what is measured.

Bench code, not a service: it imports nothing from services/.
"""

import asyncio
import contextlib
import os
import sys
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import orjson
from fastapi import FastAPI
from pydantic import BaseModel
from sqlalchemy import JSON, BigInteger, DateTime, LargeBinary, Numeric, String, Text
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.pool import NullPool

from bench.load import Load, PhaseResult
from deploy.process import ServiceProcess
from deploy.system import REPO_ROOT
from shared.broker import free_port

DSN_ENV = "GUANTONG_BASELINE_DSN"
POOL_SIZE, POOL_OVERFLOW = 10, 10
TITLES = {
    "orm": "naive FastAPI + ORM insert + outbox row",
    "asyncpg": "bare asyncpg insert (raw ASGI)",
}
COLUMNS = {"orm": "ORM+outbox", "asyncpg": "bare asyncpg"}
FACTORIES = {
    "orm": "bench.baselines:create_orm_app",
    "asyncpg": "bench.baselines:create_asyncpg_app",
}


def _dsn() -> str:
    return os.environ[DSN_ENV]


# --- The naive endpoint: FastAPI, Pydantic, SQLAlchemy ORM, referral + outbox row -------------


class Base(DeclarativeBase):
    pass


class Referral(Base):
    __tablename__ = "referrals"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    category: Mapped[str] = mapped_column(String(40))
    topics: Mapped[list[str]] = mapped_column(JSON)
    channel: Mapped[str] = mapped_column(String(40))
    summary: Mapped[str] = mapped_column(String(500))
    facts: Mapped[str] = mapped_column(Text)
    amount: Mapped[Decimal | None] = mapped_column(Numeric(18, 2))
    region: Mapped[str] = mapped_column(String(6))
    subjects: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class OutboxMessage(Base):
    __tablename__ = "outbox_messages"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    event_id: Mapped[uuid.UUID] = mapped_column(unique=True)
    topic: Mapped[str] = mapped_column(String(120))
    message_key: Mapped[str] = mapped_column(String(120))
    payload: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class SubjectIn(BaseModel):
    name: str
    id_number: str
    unit: str
    position: str
    rank: str
    managing_level: str
    party_member: bool


class ReferralIn(BaseModel):
    subjects: list[SubjectIn]
    category: str
    topics: list[str]
    channel: str
    summary: str
    facts: str
    amount: Decimal | None = None
    region: str


def create_orm_app() -> FastAPI:
    engine = create_async_engine(
        _dsn().replace("postgresql://", "postgresql+asyncpg://", 1),
        pool_size=POOL_SIZE,
        max_overflow=POOL_OVERFLOW,
    )
    sessions = async_sessionmaker(engine, expire_on_commit=False)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        await engine.dispose()

    app = FastAPI(lifespan=lifespan)

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.post("/v1/referrals", status_code=201)
    async def create_referral(body: ReferralIn) -> dict[str, str]:
        now = datetime.now(UTC)
        referral = Referral(id=uuid.uuid4(), received_at=now, **body.model_dump())
        event = OutboxMessage(
            event_id=uuid.uuid4(),
            topic="referrals",
            message_key=str(referral.id),
            payload=body.model_dump_json().encode(),
            created_at=now,
        )
        async with sessions() as session:
            session.add(referral)
            session.add(event)
            await session.commit()
        return {"id": str(referral.id)}

    return app


# --- The bare insert: raw ASGI, orjson, one INSERT on an asyncpg pool ---------------------------

BARE_DDL = """
CREATE TABLE referrals (
    id uuid PRIMARY KEY,
    category varchar(40) NOT NULL,
    topics json NOT NULL,
    channel varchar(40) NOT NULL,
    summary varchar(500) NOT NULL,
    facts text NOT NULL,
    amount numeric(18, 2),
    region varchar(6) NOT NULL,
    subjects json NOT NULL,
    received_at timestamptz NOT NULL
)
"""
BARE_INSERT = (
    "INSERT INTO referrals (id, category, topics, channel, summary, facts, amount, region, "
    "subjects, received_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
)

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]


class BareAsyncpgApp:
    def __init__(self, dsn: str) -> None:
        self._dsn = dsn
        self._pool: asyncpg.Pool | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        route = (scope["method"], scope["path"])
        if route == ("GET", "/healthz"):
            await _respond(send, 200, b'{"status":"ok"}')
        elif route == ("POST", "/v1/referrals"):
            await self._create_referral(receive, send)
        else:
            await _respond(send, 404, b'{"detail":"Not Found"}')

    async def _create_referral(self, receive: Receive, send: Send) -> None:
        assert self._pool is not None
        referral_id = uuid.uuid4()
        try:
            data = orjson.loads(await _read_body(receive))
            amount = data.get("amount")
            values = (
                referral_id,
                data["category"],
                orjson.dumps(data["topics"]).decode(),
                data["channel"],
                data["summary"],
                data["facts"],
                None if amount is None else Decimal(amount),
                data["region"],
                orjson.dumps(data["subjects"]).decode(),
                datetime.now(UTC),
            )
        except (orjson.JSONDecodeError, KeyError, TypeError, ArithmeticError, AttributeError):
            await _respond(send, 422, b'{"detail":"unreadable referral"}')
            return
        await self._pool.execute(BARE_INSERT, *values)
        await _respond(send, 201, orjson.dumps({"id": str(referral_id)}))

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                try:
                    self._pool = await asyncpg.create_pool(
                        self._dsn, min_size=POOL_SIZE, max_size=POOL_SIZE + POOL_OVERFLOW
                    )
                except (OSError, asyncpg.PostgresError) as exc:
                    await send({"type": "lifespan.startup.failed", "message": str(exc)})
                    return
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                if self._pool is not None:
                    await self._pool.close()
                await send({"type": "lifespan.shutdown.complete"})
                return


async def _read_body(receive: Receive) -> bytes:
    chunks = []
    while True:
        message = await receive()
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(chunks)


async def _respond(send: Send, status: int, body: bytes) -> None:
    headers = [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(body))]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def create_asyncpg_app() -> BareAsyncpgApp:
    return BareAsyncpgApp(_dsn())


async def create_tables(kind: str, dsn: str) -> None:
    if kind == "orm":
        engine = create_async_engine(
            dsn.replace("postgresql://", "postgresql+asyncpg://", 1), poolclass=NullPool
        )
        try:
            async with engine.begin() as connection:
                await connection.run_sync(Base.metadata.create_all)
        finally:
            await engine.dispose()
    else:
        connection = await asyncpg.connect(dsn, timeout=5)
        try:
            await connection.execute(BARE_DDL)
        finally:
            await connection.close()


# --- Running them: a database, a uvicorn, a warm-up and one measured phase each -----------------


class BaselineFailed(RuntimeError):
    pass


@dataclass
class BaselineServer:
    """uvicorn serving one baseline with `workers` workers; stopped with its whole group."""

    kind: str
    dsn: str
    workers: int
    log_path: Path
    ready_timeout: float = 30.0
    stop_timeout: float = 10.0

    def __post_init__(self) -> None:
        self.port = free_port()
        self._process: ServiceProcess | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> "BaselineServer":
        self.log_path.unlink(missing_ok=True)
        argv = [sys.executable, "-m", "uvicorn", FACTORIES[self.kind], "--factory"]
        argv += ["--host", "127.0.0.1", "--port", str(self.port), "--workers", str(self.workers)]
        argv += ["--log-level", "warning", "--no-access-log"]
        env = {
            **os.environ,
            DSN_ENV: self.dsn,
            "PYTHONPATH": str(REPO_ROOT),
            "PYTHONUNBUFFERED": "1",
        }
        self._process = ServiceProcess(
            f"baseline-{self.kind}",
            argv,
            cwd=REPO_ROOT,
            env=env,
            log_path=self.log_path,
            echo=False,
        )
        try:
            self._wait_ready()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *_: object) -> None:
        self.stop()

    def stop(self) -> None:
        process, self._process = self._process, None
        if process is not None:
            process.stop(self.stop_timeout)

    def _wait_ready(self) -> None:
        assert self._process is not None
        deadline = time.monotonic() + self.ready_timeout
        with httpx.Client(timeout=3.0, trust_env=False) as client:
            while time.monotonic() < deadline:
                if (code := self._process.exit_code()) is not None:
                    raise BaselineFailed(f"exited with code {code}\n{self._log_tail()}")
                with contextlib.suppress(httpx.HTTPError):
                    if client.get(f"{self.url}/healthz").status_code == 200:
                        return
                time.sleep(0.1)
        raise BaselineFailed(f"not ready within {self.ready_timeout}s\n{self._log_tail()}")

    def _log_tail(self, lines: int = 30) -> str:
        if not self.log_path.exists():
            return f"({self.log_path} is empty)"
        tail = self.log_path.read_text(errors="replace").splitlines()[-lines:]
        return f"--- last lines of {self.log_path} ---\n" + "\n".join(tail)


@dataclass
class BaselineRun:
    kind: str
    workers: int
    result: PhaseResult | None = None
    error: str | None = None

    @property
    def title(self) -> str:
        return TITLES[self.kind]


def measure(
    kind: str,
    *,
    admin_dsn: str,
    database: str,
    workers: int,
    seconds: float,
    concurrency: int,
    log_dir: Path,
    loop_factory: Callable[[], asyncio.AbstractEventLoop] | None,
) -> BaselineRun:
    """One baseline, start to finish; whatever fails, its server is stopped and its DB dropped.

    A failure is returned in `error` (the system bench still runs); Ctrl-C propagates.
    """
    run = BaselineRun(kind, workers)
    dsn = f"{admin_dsn.rsplit('/', 1)[0]}/{database}"
    try:
        asyncio.run(_admin(admin_dsn, f'CREATE DATABASE "{database}"'))
        try:
            asyncio.run(create_tables(kind, dsn))
            log_dir.mkdir(parents=True, exist_ok=True)
            with (
                BaselineServer(kind, dsn, workers, log_dir / f"baseline-{kind}.log") as server,
                asyncio.Runner(loop_factory=loop_factory) as runner,
            ):
                load = Load(server.url, ["gt_baseline_ignores_it"], None)
                for name, length in (("warm-up", min(5.0, seconds)), (kind, seconds)):
                    print(
                        f"baseline {kind} ({TITLES[kind]}), {name}: {length:.0f} s at "
                        f"concurrency {concurrency}",
                        flush=True,
                    )
                    run.result = runner.run(_bounded(load, name, length, concurrency))
        finally:
            asyncio.run(_admin(admin_dsn, f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
    except Exception as exc:
        run.result = None
        run.error = f"{type(exc).__name__}: {exc}"
        print(f"baseline {kind} failed: {run.error}", file=sys.stderr, flush=True)
    return run


async def _bounded(load: Load, name: str, seconds: float, concurrency: int) -> PhaseResult:
    """A phase ends on its own after `seconds`; a server that stops answering must not hang it."""
    try:
        async with asyncio.timeout(seconds + 30.0):
            return await load.run(name, seconds=seconds, concurrency=concurrency)
    except TimeoutError:
        raise BaselineFailed(f"{name} did not finish within {seconds + 30.0:.0f} s") from None


async def _admin(admin_dsn: str, statement: str) -> None:
    connection = await asyncpg.connect(admin_dsn, timeout=5)
    try:
        await connection.execute(statement)
    finally:
        await connection.close()
