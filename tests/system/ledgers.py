"""Faults on the real parts of a running system, and running its reconciliation.

Each fault is done to a real database or process of the system, the way it happens in the
field: a relay that marked a row it never sent, a row lost, a constraint gone in a restore, a
database refusing a valid event, a replaced broker."""

import asyncio
import json
import re
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

import httpx
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from deploy.system import REPO_ROOT, System
from shared.db import make_engine
from shared.dlq import read_dead_letters
from tests.system.client import poll


@asynccontextmanager
async def database(system: System, service: str) -> AsyncIterator[AsyncEngine]:
    engine = make_engine(system.services[service].database_url)
    try:
        yield engine
    finally:
        await engine.dispose()


async def execute(system: System, service: str, sql: str, **params: Any) -> None:
    async with database(system, service) as engine, engine.begin() as conn:
        await conn.execute(text(sql), params)


async def scalar(system: System, service: str, sql: str, **params: Any) -> Any:
    async with database(system, service) as engine, engine.connect() as conn:
        return (await conn.execute(text(sql), params)).scalar()


async def mark_sent_unsent(system: System, service: str, clue: str, topic: str) -> int:
    """A relay that marked rows published which never reached the broker (the worker of
    `service` must be stopped meanwhile, or it may send them first)."""
    async with database(system, service) as engine, engine.begin() as conn:
        result = await conn.execute(
            text(
                "UPDATE outbox_messages SET published_at = CURRENT_TIMESTAMP "
                "WHERE message_key = :clue AND topic = :topic AND published_at IS NULL"
            ),
            {"clue": clue, "topic": topic},
        )
        return int(result.rowcount or 0)


def long_ago(system: System, service: str) -> Any:
    """A moment in 2001, as the service's database takes it in a hand-written statement."""
    if "sqlite" in system.services[service].database_url:
        return "2001-01-01 00:00:00.000000"
    return datetime(2001, 1, 1, tzinfo=UTC)


def sqlite_key(system: System, service: str, clue: str) -> str:
    """How a clue id is stored: 32 hex digits on SQLite, the uuid on PostgreSQL."""
    return clue.replace("-", "") if "sqlite" in system.services[service].database_url else clue


class Office:
    """The case-management office asking for runs over HTTP, as in the README."""

    def __init__(self, system: System, token: str) -> None:
        self._client = httpx.AsyncClient(
            base_url=system.url("routing"),
            headers={"Authorization": f"Bearer {token}"},
            timeout=60.0,
            trust_env=False,
        )

    async def reconcile(self) -> dict[str, Any]:
        """A run asked for through the API, carried out by the worker, read back whole."""
        for _ in range(10):  # a 503 (a database connection the outage tests cut) asks to retry
            asked = await self._client.post("/v1/reconciliations", json={})
            if asked.status_code != 503:
                break
            await asyncio.sleep(1.0)
        assert asked.status_code == 202, asked.text
        run_id = asked.json()["id"]
        await poll(
            lambda: self.get(f"/v1/reconciliations/{run_id}"),
            lambda r: r.status_code == 200 and r.json()["status"] in ("completed", "failed"),
            f"reconciliation {run_id} to finish",
        )
        return await self.run(run_id)

    async def run(self, run_id: str) -> dict[str, Any]:
        answer = await self.get(f"/v1/reconciliations/{run_id}", params={"limit": 1000})
        assert answer.status_code == 200, answer.text
        body: dict[str, Any] = answer.json()
        assert body["status"] == "completed", body
        return body

    async def get(self, path: str, **kw: Any) -> httpx.Response:
        return await self._client.get(path, **kw)

    async def aclose(self) -> None:
        await self._client.aclose()


def about(run: dict[str, Any], clue: str) -> list[tuple[str, str, str]]:
    """(class, case, repair status) of each discrepancy of `run` about `clue`."""
    return [
        (d["kind"], d["detail"], d["repair_status"])
        for d in run["discrepancies"]
        if d["clue_id"] == clue
    ]


def repair_of(run: dict[str, Any], clue: str) -> str | None:
    found = [d["repair_status"] for d in run["discrepancies"] if d["clue_id"] == clue]
    return found[0] if found else None


async def settled(system: System) -> None:
    """Past the reconciler's settle time (the system's is 1 s), so nothing counts as in flight."""
    await asyncio.sleep(2.0)


def reconcile_cli(system: System, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "services.routing", "reconcile", *args],
        cwd=REPO_ROOT,
        env=system.environment("routing"),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def stored_json(output: str) -> dict[str, Any]:
    found: dict[str, Any] = json.loads(output)
    return found


def _postgresql(system: System, service: str) -> bool:
    return "postgresql" in system.services[service].database_url


async def refuse_assignments_about(system: System, marker: str) -> None:
    """Casework's database refuses (a non-transient error) every assignment whose subjects
    carry `marker`: its consumer tries the decision a few times, then dead-letters it."""
    if _postgresql(system, "casework"):
        await execute(
            system,
            "casework",
            (
                "CREATE OR REPLACE FUNCTION refuse_marked() RETURNS trigger AS $$ BEGIN "
                "RAISE EXCEPTION 'refused by the test'; END $$ LANGUAGE plpgsql"
            ),
        )
        await execute(
            system,
            "casework",
            (
                "CREATE TRIGGER refuse_marked BEFORE INSERT ON assignments FOR EACH ROW "
                f"WHEN (NEW.subjects::text LIKE '%{marker}%') EXECUTE FUNCTION refuse_marked()"
            ),
        )
        return
    await execute(
        system,
        "casework",
        (
            f"CREATE TRIGGER refuse_marked BEFORE INSERT ON assignments WHEN NEW.subjects LIKE "
            f"'%{marker}%' BEGIN SELECT RAISE(ABORT, 'refused by the test'); END"
        ),
    )


async def allow_assignments(system: System) -> None:
    on = " ON assignments" if _postgresql(system, "casework") else ""
    await execute(system, "casework", f"DROP TRIGGER IF EXISTS refuse_marked{on}")


async def dead_letters(system: System) -> set[str]:
    """Clues whose decision casework dead-lettered."""
    letters = await read_dead_letters(system.bootstrap_servers, ["clue.routed"])
    return {(d.record.key or b"").decode() for d in letters}


async def unpublished(system: System, service: str) -> int:
    found = await scalar(
        system, service, "SELECT count(*) FROM outbox_messages WHERE published_at IS NULL"
    )
    return int(found)


async def without_one_assignment_per_decision(system: System) -> None:
    """Casework's database restored without its (decision, body) constraint."""
    if _postgresql(system, "casework"):
        await execute(
            system,
            "casework",
            "ALTER TABLE assignments DROP CONSTRAINT IF EXISTS uq_assignments_decision_body",
        )
        return
    # SQLite cannot drop a constraint: the table is rebuilt with the same columns and types
    # without it, as a restore that lost it would leave it (its other indexes come back too).
    async with database(system, "casework") as engine, engine.begin() as conn:
        found = await conn.execute(
            text("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'assignments'")
        )
        schema = found.scalar_one()
        rebuilt = re.sub(
            r",\s*CONSTRAINT uq_assignments_decision_body UNIQUE \([^)]*\)", "", schema
        )
        if rebuilt == schema:
            return
        found = await conn.execute(
            text(
                "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'assignments' "
                "AND sql IS NOT NULL"
            )
        )
        indexes = list(found.scalars())
        for statement in (
            re.sub(r'TABLE "?assignments"?', "TABLE rebuilt", rebuilt, count=1),
            "INSERT INTO rebuilt SELECT * FROM assignments",
            "DROP TABLE assignments",
            "ALTER TABLE rebuilt RENAME TO assignments",
            *indexes,
        ):
            await conn.execute(text(statement))


async def copy_assignment(system: System, assignment_id: str, *, clue: str | None) -> str:
    """Another row like `assignment_id` (a new id; for another clue when `clue` is given, with
    a decision routing never made): returns the copy's clue."""
    new_id, new_decision = uuid.uuid4(), uuid.uuid4()
    key = sqlite_key(system, "casework", assignment_id)
    async with database(system, "casework") as engine, engine.begin() as conn:
        query = text("SELECT * FROM assignments WHERE id = :id")
        row = (await conn.execute(query, {"id": key})).mappings().one()
        columns = list(row.keys())
        # PostgreSQL hands JSON back decoded; a text statement sends it as text.
        values = {k: json.dumps(v) if isinstance(v, list | dict) else v for k, v in row.items()}
        values["id"] = _stored(system, new_id)
        if clue is not None:
            values["clue_id"] = _stored(system, uuid.UUID(clue))
            values["decision_id"] = _stored(system, new_decision)
        names = ", ".join(columns)
        marks = ", ".join(f":{c}" for c in columns)
        await conn.execute(text(f"INSERT INTO assignments ({names}) VALUES ({marks})"), values)
        return str(uuid.UUID(str(values["clue_id"])))


def _stored(system: System, value: uuid.UUID) -> Any:
    return value.hex if not _postgresql(system, "casework") else value
