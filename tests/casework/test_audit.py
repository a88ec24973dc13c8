"""The audit chain: every action linked to the one before, and a row edited, inserted or
deleted directly in the database found at its first broken link (verifier, CLI, scheduled check)."""

import asyncio
import json
import os
import subprocess
import sys
from collections.abc import AsyncIterator
from typing import Any
from uuid import uuid4

import httpx
import pytest
from sqlalchemy import delete, insert, select, update

from services.casework.app import create_app
from services.casework.audit.chain import GENESIS, entry_hash
from services.casework.audit.handlers import verify_chain
from services.casework.audit.repository import AuditLog
from services.casework.cli_support import UnitsOfWork, units_of_work
from services.casework.deadlines.calendar import CalendarCache
from services.casework.deadlines.job import ScheduledCheck
from services.casework.orm import audit_checks, audit_log
from services.casework.scope import SYSTEM
from services.casework.settings import Settings
from shared.clock import utcnow
from shared.db import make_engine, make_session_factory
from tests.casework.builders import Desk, Sessions, bearer, deliver, routed
from tests.casework.paths import PATHS, walk
from tests.support.databases import DatabaseFactory
from tests.support.http import serve


class Chain:
    def __init__(self, sessions: Sessions, url: str) -> None:
        self.sessions, self.url = sessions, url
        self.units: UnitsOfWork = units_of_work(sessions, Settings(database_url=url))

    async def verify(self) -> tuple[int | None, str | None, int]:
        result = await verify_chain(self.units(), now=utcnow())
        return result.broken_seq, result.reason, result.entries

    async def row(self, seq: int) -> dict[str, Any]:
        async with self.sessions() as session:
            found = (await session.execute(select(audit_log).where(audit_log.c.seq == seq))).one()
        return dict(found._mapping)

    async def run(self, statement: Any) -> None:
        async with self.sessions() as session, session.begin():
            await session.execute(statement)


@pytest.fixture
async def chain(databases: DatabaseFactory, backend: str) -> AsyncIterator[Chain]:
    """A database of its own, so the chain holds only this test's actions: two clues worked."""
    url = databases.fresh(backend, "casework")
    engine = make_engine(url)
    sessions = make_session_factory(engine)
    async with serve(create_app(Settings(database_url=url))) as client:
        for path in ("closed", "shelved"):
            body = uuid4()
            event = routed(lead=body)
            await deliver(sessions, event)
            desk = Desk(client, body)
            await walk(desk, await desk.only(event.clue_id), PATHS[path])
    yield Chain(sessions, url)
    await engine.dispose()


class TestTheChain:
    async def test_links_every_entry_to_the_one_before(self, chain: Chain) -> None:
        assert await chain.verify() == (None, None, 11)
        first, second = await chain.row(1), await chain.row(2)
        assert first["prev_hash"] == GENESIS and second["prev_hash"] == first["hash"]
        assert (second["action"], second["before"], second["after"]) == (
            "accept",
            {"state": "assigned", "version": 1},
            {"state": "accepted", "version": 2},
        )
        async with chain.sessions() as session:
            links = await AuditLog(session, SYSTEM).chunk(after_seq=0, limit=3)
        assert [entry_hash(x.entry, x.prev_hash) for x in links] == [x.hash for x in links]


class TestTampering:
    async def test_an_edited_row_is_the_first_broken_link(self, chain: Chain) -> None:
        original = await chain.row(5)
        await chain.run(update(audit_log).where(audit_log.c.seq == 5).values(actor="someone"))
        assert await chain.verify() == (5, "its content does not match its hash", 4)
        await chain.run(
            update(audit_log).where(audit_log.c.seq == 5).values(actor=original["actor"])
        )
        assert (await chain.verify())[0] is None

    async def test_a_deleted_row_is_the_first_broken_link(self, chain: Chain) -> None:
        original = await chain.row(7)
        await chain.run(delete(audit_log).where(audit_log.c.seq == 7))
        assert await chain.verify() == (7, "missing: the next entry is not there", 6)
        await chain.run(insert(audit_log).values(original))
        assert (await chain.verify())[0] is None

    async def test_a_deleted_newest_row_is_found_against_the_head(self, chain: Chain) -> None:
        await chain.run(delete(audit_log).where(audit_log.c.seq == 11))
        assert await chain.verify() == (11, "missing: the head is further on", 10)

    async def test_an_inserted_row_is_the_first_broken_link(self, chain: Chain) -> None:
        last = await chain.row(11)
        forged = last | {"seq": 12, "action": "close", "prev_hash": last["hash"], "hash": "f" * 64}
        await chain.run(insert(audit_log).values(forged))
        assert await chain.verify() == (12, "its content does not match its hash", 11)
        # Even linked with a correctly computed hash, the row lies beyond the chain's head.
        async with chain.sessions() as session:
            (link,) = await AuditLog(session, SYSTEM).chunk(after_seq=11, limit=1)
        proper = entry_hash(link.entry, link.prev_hash)
        await chain.run(update(audit_log).where(audit_log.c.seq == 12).values(hash=proper))
        assert await chain.verify() == (12, "added after the head", 12)

    async def test_the_command_line_and_the_scheduled_check_report_it(self, chain: Chain) -> None:
        await chain.run(update(audit_log).where(audit_log.c.seq == 3).values(details={}))
        env = os.environ | {"CASEWORK_DATABASE_URL": chain.url}
        command = [sys.executable, "-m", "services.casework", "audit", "verify"]
        done = await asyncio.to_thread(
            subprocess.run, command, env=env, capture_output=True, text=True, timeout=120
        )
        assert done.returncode == 1, done.stderr
        assert json.loads(done.stdout) == {
            "ok": False,
            "entries": 2,
            "broken_seq": 3,
            "reason": "its content does not match its hash",
        }
        settings = Settings(database_url=chain.url)
        await ScheduledCheck(chain.units, CalendarCache(), settings).round()
        async with chain.sessions() as session:
            query = select(audit_checks).order_by(audit_checks.c.id.desc()).limit(1)
            last = (await session.execute(query)).one()
        assert (last.ok, last.broken_seq) == (False, 3)


class TestReadingIt:
    async def test_the_body_reads_its_trail_with_the_links(
        self, client: httpx.AsyncClient, sessions: Sessions
    ) -> None:
        body = uuid4()
        event = routed(lead=body)
        await deliver(sessions, event)
        desk = Desk(client, body)
        view = await walk(desk, await desk.only(event.clue_id), PATHS["accepted"])
        trail = await client.get(f"/v1/assignments/{view['id']}/audit", headers=bearer(body))
        entries = trail.json()["entries"]
        assert [(e["action"], e["actor"]) for e in entries] == [
            ("assign", "system"),
            ("accept", entries[1]["actor"]),
        ]
        assert all(len(e["hash"]) == 64 and len(e["prev_hash"]) == 64 for e in entries)
