"""Liveness of the worker process, where the API can read it: a row per component and process.

The worker writes every `heartbeat_seconds`; /readyz counts a row as alive while it is younger
than `heartbeat_stale_seconds`, so a worker killed outright is reported down within seconds.
"""

import asyncio
import contextlib
import logging
import os
import socket
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import JSON, Column, MetaData, PrimaryKeyConstraint, String, Table, delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncEngine

from shared.clock import utcnow
from shared.db import UTCDateTime

log = logging.getLogger(__name__)

Probe = Callable[[], tuple[str, dict[str, Any]]]


def worker_heartbeats_table(metadata: MetaData) -> Table:
    return Table(
        "worker_heartbeats",
        metadata,
        Column("component", String(80), nullable=False),
        Column("instance", String(120), nullable=False),
        Column("state", String(20), nullable=False),
        Column("detail", JSON, nullable=False),
        Column("beat_at", UTCDateTime(), nullable=False),
        PrimaryKeyConstraint("component", "instance"),
    )


def this_instance() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


class HeartbeatWriter:
    def __init__(
        self, engine: AsyncEngine, table: Table, probes: dict[str, Probe], *, interval: float
    ) -> None:
        self._engine, self._table, self._probes = engine, table, probes
        self._interval = interval
        self.instance = this_instance()

    async def run(self) -> None:
        while True:
            try:
                await self.beat()
            except Exception as exc:  # the database is away; /readyz will say so anyway
                log.warning("heartbeat: %s", type(exc).__name__)
            await asyncio.sleep(self._interval)

    async def beat(self) -> None:
        now, t = utcnow(), self._table
        rows = []
        for component, probe in self._probes.items():
            state, detail = probe()
            rows.append(
                {
                    "component": component,
                    "instance": self.instance,
                    "state": state,
                    "detail": detail,
                    "beat_at": now,
                }
            )
        async with self._engine.begin() as conn:
            insert = postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert
            statement = insert(t).values(rows)
            statement = statement.on_conflict_do_update(
                index_elements=[t.c.component, t.c.instance],
                set_={c: statement.excluded[c] for c in ("state", "detail", "beat_at")},
            )
            await conn.execute(statement)
            await conn.execute(delete(t).where(t.c.beat_at < now - timedelta(hours=1)))

    async def withdraw(self) -> None:
        """On a clean stop: this process's rows go at once rather than going stale."""
        with contextlib.suppress(Exception):
            async with self._engine.begin() as conn:
                await conn.execute(
                    delete(self._table).where(self._table.c.instance == self.instance)
                )


@dataclass(frozen=True)
class Beat:
    component: str
    instance: str
    state: str
    detail: dict[str, Any]
    age_seconds: float

    def as_json(self) -> dict[str, Any]:
        return {
            "component": self.component,
            "instance": self.instance,
            "state": self.state,
            "age_seconds": round(self.age_seconds, 3),
            **self.detail,
        }


async def live_beats(engine: AsyncEngine, table: Table, *, stale_seconds: float) -> list[Beat]:
    now = utcnow()
    query = select(table).where(table.c.beat_at >= now - timedelta(seconds=stale_seconds))
    async with engine.connect() as conn:
        conn = await conn.execution_options(isolation_level="AUTOCOMMIT")
        rows = (await conn.execute(query.order_by(table.c.component, table.c.instance))).all()
    return [
        Beat(r.component, r.instance, r.state, dict(r.detail), (now - r.beat_at).total_seconds())
        for r in rows
    ]


def summarize(beats: Sequence[Beat], component_prefix: str) -> str:
    """One word for /readyz: the best state any live process reports for the component."""
    states = [b.state for b in beats if b.component.startswith(component_prefix)]
    for best in ("active", "joined", "running"):
        if best in states:
            return best
    return states[0] if states else "down"
