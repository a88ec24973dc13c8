"""Leases: what must run once per deployment (the relay, each scheduled job) runs only in the
worker that holds its lease, and another worker takes over within seconds when the holder dies.

PostgreSQL: a session advisory lock on a connection of its own; the server drops it as soon as
that connection dies with its process. SQLite: an exclusive flock on a file beside the
database, which the kernel drops with the process (one machine, as SQLite implies).
"""

import asyncio
import contextlib
import fcntl
import hashlib
import logging
import os
import random
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy import NullPool, text
from sqlalchemy.ext.asyncio import AsyncConnection, create_async_engine

from shared.db import is_sqlite

log = logging.getLogger(__name__)

ACTIVE, STANDBY = "active", "standby"


class Lease(Protocol):
    name: str

    async def try_acquire(self) -> bool: ...
    async def still_held(self) -> bool: ...
    async def release(self) -> None: ...


def lock_key(name: str) -> int:
    return int.from_bytes(
        hashlib.sha256(f"guantong:{name}".encode()).digest()[:8], "big", signed=True
    )


class PostgresLease:
    def __init__(
        self, url: str, name: str, *, on_notify: dict[str, Callable[[], None]] | None = None
    ) -> None:
        self.name = name
        self._engine = create_async_engine(url, poolclass=NullPool, hide_parameters=True)
        self._on_notify = on_notify or {}
        self._conn: AsyncConnection | None = None

    async def try_acquire(self) -> bool:
        try:
            if self._conn is None:
                self._conn = await (await self._engine.connect()).execution_options(
                    isolation_level="AUTOCOMMIT"
                )
            query = text("SELECT pg_try_advisory_lock(:key)")
            if not await self._conn.scalar(query, {"key": lock_key(self.name)}):
                return False
            raw = (await self._conn.get_raw_connection()).driver_connection
            for channel, callback in self._on_notify.items():
                await raw.add_listener(channel, _notified(callback))  # type: ignore[union-attr]
            return True
        except Exception:
            await self._drop()
            raise

    async def still_held(self) -> bool:
        if self._conn is None:
            return False
        try:
            await asyncio.wait_for(self._conn.execute(text("SELECT 1")), 5.0)
            return True
        except Exception:
            await self._drop()
            return False

    async def release(self) -> None:
        await self._drop()
        await self._engine.dispose()

    async def _drop(self) -> None:
        # Closing the session releases the lock; an explicit unlock would need a live server.
        conn, self._conn = self._conn, None
        if conn is not None:
            with contextlib.suppress(Exception):
                await conn.close()


def _notified(callback: Callable[[], None]) -> Callable[..., None]:
    def listener(*_: object) -> None:
        callback()

    return listener


class FileLease:
    def __init__(self, path: Path, name: str) -> None:
        self.name = name
        self._path = path
        self._fd: int | None = None

    async def try_acquire(self) -> bool:
        fd = os.open(self._path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        self._fd = fd
        return True

    async def still_held(self) -> bool:
        return self._fd is not None

    async def release(self) -> None:
        fd, self._fd = self._fd, None
        if fd is not None:
            os.close(fd)


def lease_for(
    url: str, name: str, *, on_notify: dict[str, Callable[[], None]] | None = None
) -> Lease:
    if is_sqlite(url):
        database = Path(url.split("///", 1)[1])
        return FileLease(database.with_name(f"{database.name}.{name}.lease"), name)
    return PostgresLease(url, name, on_notify=on_notify)


class LeaseState:
    def __init__(self) -> None:
        self.state = STANDBY


async def run_leased(
    lease: Lease,
    work: Callable[[], Coroutine[Any, Any, None]],
    *,
    state: LeaseState,
    retry_seconds: float = 1.0,
    check_seconds: float = 1.0,
) -> None:
    """Waits for the lease, runs `work` while holding it, stops it the moment it is lost."""
    while True:
        try:
            acquired = await lease.try_acquire()
        except Exception as exc:
            log.warning("lease %s: cannot ask (%s)", lease.name, type(exc).__name__)
            acquired = False
        if not acquired:
            await asyncio.sleep(retry_seconds * random.uniform(0.5, 1.0))
            continue
        log.info("lease %s: taken by process %d", lease.name, os.getpid())
        state.state = ACTIVE
        task = asyncio.create_task(work(), name=lease.name)
        try:
            while True:
                done, _ = await asyncio.wait({task}, timeout=check_seconds)
                if done:
                    task.result()
                    raise RuntimeError(f"{lease.name} returned while holding its lease")
                if not await lease.still_held():
                    log.warning("lease %s: lost; stopping until it is taken again", lease.name)
                    break
        finally:
            state.state = STANDBY
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
            await lease.release()
