"""Calendar years kept in casework's own database: seeded, loaded by an administrator, read back."""

import json
import os
import subprocess
import sys
from collections.abc import AsyncIterator
from datetime import date, datetime
from pathlib import Path

import pytest
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.casework.cli_support import UnitsOfWork, units_of_work
from services.casework.deadlines.cli import load_files, seed
from services.casework.orm import calendar_years
from services.casework.settings import Settings
from shared.db import make_engine, make_session_factory
from shared.workdays import CHINA, CalendarFileError, WorkingCalendar
from shared.workdays.store import read_calendar, stored_years
from tests.support.databases import DatabaseFactory
from tests.workdays.builders import TEST_2027, document

Sessions = async_sessionmaker[AsyncSession]
LATE_2026 = datetime(2026, 12, 28, 10, tzinfo=CHINA)


@pytest.fixture
def fresh_url(databases: DatabaseFactory, backend: str) -> str:
    return databases.fresh(backend, "casework")


@pytest.fixture
async def fresh(fresh_url: str) -> AsyncIterator[Sessions]:
    engine = make_engine(fresh_url)
    yield make_session_factory(engine)
    await engine.dispose()


def write(tmp_path: Path, name: str, doc: object) -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return path


def units(sessions: Sessions) -> UnitsOfWork:
    return units_of_work(sessions, Settings())


async def calendar(sessions: Sessions) -> WorkingCalendar:
    async with sessions() as session:
        return await read_calendar(session, calendar_years)


class TestSeed:
    async def test_adds_every_shipped_year_once(self, fresh: Sessions) -> None:
        assert await seed(units(fresh)) == list(range(2004, 2027))
        assert await seed(units(fresh)) == []
        assert (await calendar(fresh)).loaded_years == frozenset(range(2004, 2027))

    async def test_never_replaces_a_year_an_administrator_loaded(
        self, fresh: Sessions, tmp_path: Path
    ) -> None:
        corrected = document(2026, source="a correction by the administrator")
        await load_files(units(fresh), [write(tmp_path, "2026.json", corrected)])
        await seed(units(fresh))
        async with fresh() as session:
            stored = {s.year: s.source for s in await stored_years(session, calendar_years)}
        assert stored[2026] == "a correction by the administrator"


class TestLoad:
    async def test_loading_2027_changes_the_deadline_and_clears_provisional(
        self, fresh: Sessions, tmp_path: Path
    ) -> None:
        await seed(units(fresh))
        before = (await calendar(fresh)).add_working_days(LATE_2026, 5)
        assert (before.due_on, before.provisional) == (date(2027, 1, 4), True)
        assert await load_files(units(fresh), [write(tmp_path, "2027.json", TEST_2027)]) == [2027]
        after = (await calendar(fresh)).add_working_days(LATE_2026, 5)
        assert (after.due_on, after.provisional) == (date(2027, 1, 5), False)

    async def test_reports_only_years_whose_calendar_changed(
        self, fresh: Sessions, tmp_path: Path
    ) -> None:
        first = write(tmp_path, "2027.json", TEST_2027)
        assert await load_files(units(fresh), [first]) == [2027]
        assert await load_files(units(fresh), [first]) == []
        changed = write(tmp_path, "2027b.json", document(2027))
        other = write(tmp_path, "2028.json", document(2028))
        assert await load_files(units(fresh), [changed, other]) == [2027, 2028]

    async def test_one_bad_file_loads_nothing(self, fresh: Sessions, tmp_path: Path) -> None:
        good = write(tmp_path, "2027.json", TEST_2027)
        bad = write(tmp_path, "2028.json", document(2028, format_version=9))
        with pytest.raises(CalendarFileError, match=r"2028\.json: format_version 9 is not 1"):
            await load_files(units(fresh), [good, bad])
        assert (await calendar(fresh)).loaded_years == frozenset()

    async def test_a_hand_edited_row_fails_loudly_when_read(
        self, fresh: Sessions, tmp_path: Path
    ) -> None:
        await load_files(units(fresh), [write(tmp_path, "2027.json", TEST_2027)])
        broken = document(2027, holidays=[{"date": "2026-10-01", "name": "国庆节"}])
        async with fresh() as session, session.begin():
            await session.execute(update(calendar_years).values(document=broken))
        with pytest.raises(CalendarFileError, match="calendar_years row 2027"):
            await calendar(fresh)


CLI = "import sys; from services.casework.deadlines.cli import main; sys.exit(main(sys.argv[1:]))"


class TestCommandLine:
    def run(self, url: str, *args: str) -> subprocess.CompletedProcess[str]:
        env = os.environ | {"CASEWORK_DATABASE_URL": url}
        return subprocess.run(
            [sys.executable, "-c", CLI, *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )

    def test_load_list_and_a_refused_file(self, fresh_url: str, tmp_path: Path) -> None:
        good = write(tmp_path, "2027.json", TEST_2027)
        loaded = self.run(fresh_url, "load", str(good))
        assert (loaded.returncode, loaded.stdout) == (0, "changed years: 2027\n")
        again = self.run(fresh_url, "load", str(good))
        assert again.stdout == "changed years: none\n"
        listed = self.run(fresh_url, "list")
        assert listed.stdout.startswith("2027\t") and "made-up 2027" in listed.stdout
        bad = write(
            tmp_path,
            "bad.json",
            document(2027, makeup_workdays=[{"date": "2027-01-06", "name": "x"}]),
        )
        refused = self.run(fresh_url, "load", str(bad))
        assert refused.returncode == 1
        assert "refused, nothing loaded" in refused.stderr and "is a Wednesday" in refused.stderr

    def test_usage_errors_exit_2(self, fresh_url: str) -> None:
        assert self.run(fresh_url).returncode == 2
        assert self.run(fresh_url, "unload").returncode == 2
