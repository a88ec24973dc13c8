"""Deadlines in Chinese working days: the 2026 National Day holiday and its make-up days, a
clock into 2027 counted provisionally and recounted when 2027 is loaded through the CLI, and
the overdue check escalating to supervisors, with extensions on the record."""

import asyncio
import json
import os
import subprocess
import sys
from collections.abc import AsyncIterator
from datetime import date, datetime
from pathlib import Path
from uuid import UUID, uuid4

import httpx
import pytest

from services.casework.app import create_app
from services.casework.cli_support import UnitsOfWork, units_of_work
from services.casework.deadlines.handlers import check_overdue
from services.casework.settings import Settings
from shared.clock import utcnow
from shared.db import make_engine, make_session_factory
from shared.events.contracts import AssignmentOverdue, CaseProgressed
from shared.workdays import CHINA
from tests.casework.builders import Desk, Sessions, deliver, routed, staged, supervisor
from tests.support.databases import DatabaseFactory
from tests.support.http import serve
from tests.workdays.builders import TEST_2027


async def due_dates(desk: Desk, clue_id: UUID) -> dict[str, tuple[date, bool]]:
    view = await desk.only(clue_id)
    return {c["key"]: (date.fromisoformat(c["due_on"]), c["provisional"]) for c in view["clocks"]}


class TestNationalDay2026:
    async def test_the_holiday_is_skipped_and_the_make_up_saturday_counts(
        self, client: httpx.AsyncClient, sessions: Sessions
    ) -> None:
        body = uuid4()
        # Tuesday 29 September: 1-7 October are off, Saturday 10 October is worked.
        event = routed(lead=body, at=datetime(2026, 9, 29, 10, tzinfo=CHINA), assigned_down=True)
        await deliver(sessions, event)
        assert await due_dates(Desk(client, body), event.clue_id) == {
            "sign_for": (date(2026, 10, 9), False),
            "forward": (date(2026, 10, 12), False),
            "handling_opinion": (date(2026, 10, 29), False),
            "assigned_down": (date(2026, 12, 29), False),
        }

    async def test_the_make_up_sunday_before_mid_autumn_counts(
        self, client: httpx.AsyncClient, sessions: Sessions
    ) -> None:
        body = uuid4()
        # Friday 18 September: Sunday 20 September is a working day, 25-27 September are off.
        event = routed(lead=body, at=datetime(2026, 9, 18, 16, tzinfo=CHINA))
        await deliver(sessions, event)
        assert await due_dates(Desk(client, body), event.clue_id) == {
            "sign_for": (date(2026, 9, 22), False),
            "forward": (date(2026, 9, 24), False),
            # 18 October is a Sunday: the next working day.
            "handling_opinion": (date(2026, 10, 19), False),
        }


CLI = [sys.executable, "-m", "services.casework", "calendar", "load"]


class TestA2027Clock:
    @pytest.fixture
    def fresh_url(self, databases: DatabaseFactory, backend: str) -> str:
        return databases.fresh(backend, "casework")

    @pytest.fixture
    async def fresh(self, fresh_url: str) -> AsyncIterator[tuple[Sessions, httpx.AsyncClient]]:
        engine = make_engine(fresh_url)
        async with serve(create_app(Settings(database_url=fresh_url))) as http:
            yield make_session_factory(engine), http
        await engine.dispose()

    async def test_is_provisional_and_recounted_with_an_event_when_2027_is_loaded(
        self, fresh: tuple[Sessions, httpx.AsyncClient], fresh_url: str, tmp_path: Path
    ) -> None:
        sessions, client = fresh
        body = uuid4()
        event = routed(lead=body, at=datetime(2026, 12, 28, 10, tzinfo=CHINA))
        await deliver(sessions, event)
        desk = Desk(client, body)
        assert await due_dates(desk, event.clue_id) == {
            "sign_for": (date(2026, 12, 31), False),
            # 2027 is not loaded: weekends alone count there, so New Year's Day is worked.
            "forward": (date(2027, 1, 4), True),
            "handling_opinion": (date(2027, 1, 28), True),
        }
        year = tmp_path / "2027.json"
        year.write_text(json.dumps(TEST_2027, ensure_ascii=False), encoding="utf-8")
        env = os.environ | {"CASEWORK_DATABASE_URL": fresh_url}
        done = await asyncio.to_thread(
            subprocess.run, [*CLI, str(year)], env=env, capture_output=True, text=True, timeout=120
        )
        assert (done.returncode, done.stdout) == (0, "changed years: 2027\n"), done.stderr
        assert await due_dates(desk, event.clue_id) == {
            "sign_for": (date(2026, 12, 31), False),
            "forward": (date(2027, 1, 5), False),
            "handling_opinion": (date(2027, 1, 28), False),
        }
        recomputed = await staged(sessions, event.clue_id, CaseProgressed)
        assert [p.action.value for p in recomputed] == ["deadline_recomputed"] * 2
        timeline = (await desk.only(event.clue_id))["timeline"]
        assert timeline[-1]["action"] == "recompute_clocks"
        assert timeline[-1]["details"] == {"clocks": "forward handling_opinion"}


class TestOverdue:
    async def test_is_reported_once_and_escalated_to_the_supervisors_inbox(
        self, client: httpx.AsyncClient, sessions: Sessions, casework_url: str
    ) -> None:
        body = uuid4()
        event = routed(lead=body, at=datetime(2026, 9, 29, 10, tzinfo=CHINA))
        await deliver(sessions, event)
        units = units_of_work(sessions, Settings(database_url=casework_url))
        await _check_everything(units)
        await _check_everything(units)
        overdue = await staged(sessions, event.clue_id, AssignmentOverdue)
        assert sorted(o.clock for o in overdue) == ["forward", "handling_opinion", "sign_for"]
        escalated = await client.get(
            "/v1/assignments", params={"escalated": "true", "limit": 100}, headers=supervisor(body)
        )
        (item,) = escalated.json()["items"]
        assert (item["clue_id"], item["escalated"], item["overdue"]) == (
            str(event.clue_id),
            True,
            True,
        )

    async def test_an_extension_needs_a_supervisor_and_a_reason_and_is_recorded(
        self, client: httpx.AsyncClient, sessions: Sessions, casework_url: str
    ) -> None:
        body = uuid4()
        event = routed(lead=body, at=datetime(2026, 9, 29, 10, tzinfo=CHINA))
        await deliver(sessions, event)
        desk = Desk(client, body)
        view = await desk.only(event.clue_id)
        refused = await desk.act(view, "extend_clock", clock="sign_for", reason="人手不足")
        assert refused.status_code == 403
        no_reason = await desk.act(view, "extend_clock", as_supervisor=True, clock="sign_for")
        assert no_reason.status_code == 422
        longer = await desk.do(
            view, "extend_clock", as_supervisor=True, clock="sign_for", reason="人手不足"
        )
        clock = {c["key"]: c for c in longer["clocks"]}["sign_for"]
        (extension,) = clock["extensions"]
        assert (extension["reason"], extension["approved_by"]) == ("人手不足", "supervisor-1")
        # Three more working days after 9 October: the make-up Saturday 10th, the 12th, 13th.
        assert date.fromisoformat(clock["due_on"]) == date(2026, 10, 13)
        entry = longer["timeline"][-1]
        assert (entry["action"], entry["actor"], entry["details"]["reason"]) == (
            "extend_clock",
            "supervisor-1",
            "人手不足",
        )
        again = await desk.act(
            longer, "extend_clock", as_supervisor=True, clock="sign_for", reason="再延"
        )
        assert again.status_code == 422
        units = units_of_work(sessions, Settings(database_url=casework_url))
        await _check_everything(units)
        overdue = await staged(sessions, event.clue_id, AssignmentOverdue)
        assert "sign_for" in {o.clock for o in overdue}


async def _check_everything(units: UnitsOfWork) -> None:
    while len(await check_overdue(units(), now=utcnow())) == 200:
        pass
