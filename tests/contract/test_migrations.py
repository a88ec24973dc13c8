"""Each service's Alembic history builds exactly the schema its tables declare, and reverses."""

import asyncio
import importlib
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import MetaData
from sqlalchemy.ext.asyncio import create_async_engine

from shared.migrate import SERVICES, downgrade, upgrade, version_table
from tests.support.databases import DatabaseFactory


async def _differences(url: str, metadata: MetaData, service: str) -> list[Any]:
    engine = create_async_engine(url)
    try:
        async with engine.connect() as conn:
            diff = await conn.run_sync(
                lambda sync: compare_metadata(
                    MigrationContext.configure(sync, opts={"compare_type": True}), metadata
                )
            )
    finally:
        await engine.dispose()
    return [d for d in diff if not _is_version_table(d, service)]


def _is_version_table(diff: Any, service: str) -> bool:
    return diff[0] == "remove_table" and diff[1].name == version_table(service)


def _in_thread(fn: Any) -> Any:
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(fn).result()


@pytest.mark.parametrize("service", SERVICES)
class TestMigrations:
    def test_migrated_schema_matches_the_tables(
        self, databases: DatabaseFactory, backend: str, service: str
    ) -> None:
        url = databases.fresh(backend, service)
        metadata = importlib.import_module(f"services.{service}.orm").metadata
        assert asyncio.run(_differences(url, metadata, service)) == []

    def test_downgrade_to_base_and_up_again(
        self, databases: DatabaseFactory, backend: str, service: str
    ) -> None:
        url = databases.fresh(backend, service)
        _in_thread(lambda: downgrade(service, url))
        _in_thread(lambda: upgrade(service, url))
