"""Real databases for tests: a SQLite file and a PostgreSQL database of this run, both migrated.

Each test run creates its own PostgreSQL databases and drops them at the end. In CI an
unreachable server fails the run; on a laptop without one the PostgreSQL leg is skipped.
"""

import asyncio
import os
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TypeVar

import asyncpg
import pytest

from shared.migrate import upgrade

PG_DSN = os.environ.get("GUANTONG_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
BACKENDS = ("sqlite", "postgresql")
RUN_ID = uuid.uuid4().hex[:8]
T = TypeVar("T")


def _off_loop(fn: Callable[[], T]) -> T:
    """asyncio.run and Alembic need a thread without a running loop; async tests have one."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(fn).result()


def _pg_admin(sql: str) -> None:
    async def run() -> None:
        conn = await asyncpg.connect(PG_DSN, timeout=5)
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    _off_loop(lambda: asyncio.run(run()))


def pg_available() -> bool:
    try:
        _pg_admin("SELECT 1")
        return True
    except (OSError, asyncpg.PostgresError, TimeoutError):
        return False


class DatabaseFactory:
    """Creates and migrates one database per (backend, service, label); remembers them to drop."""

    def __init__(self, root: Path) -> None:
        self._root = root
        self._pg_names: list[str] = []
        self._cache: dict[tuple[str, str, str], str] = {}
        self._pg_ok: bool | None = None

    def url(self, backend: str, service: str, label: str = "shared") -> str:
        key = (backend, service, label)
        if key not in self._cache:
            self._cache[key] = self._create(backend, service, label)
        return self._cache[key]

    def fresh(self, backend: str, service: str) -> str:
        return self.url(backend, service, uuid.uuid4().hex[:8])

    def _create(self, backend: str, service: str, label: str) -> str:
        if backend == "sqlite":
            url = f"sqlite+aiosqlite:///{self._root / f'{service}-{label}.db'}"
        else:
            self._require_pg()
            name = f"gt_test_{RUN_ID}_{service}_{label}"
            _pg_admin(f'CREATE DATABASE "{name}"')
            self._pg_names.append(name)
            url = f"postgresql+asyncpg://postgres@127.0.0.1:5432/{name}"
        _off_loop(lambda: upgrade(service, url))
        return url

    def _require_pg(self) -> None:
        if self._pg_ok is None:
            self._pg_ok = pg_available()
        if not self._pg_ok:
            if os.environ.get("CI"):
                pytest.fail("PostgreSQL at 127.0.0.1:5432 is unreachable; CI requires that leg")
            pytest.skip("PostgreSQL is not reachable here")

    def drop_all(self) -> None:
        for name in self._pg_names:
            try:
                _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            except (OSError, asyncpg.PostgresError):
                pass


@pytest.fixture(scope="session")
def databases(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DatabaseFactory]:
    factory = DatabaseFactory(tmp_path_factory.mktemp("db"))
    yield factory
    factory.drop_all()


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)
