"""The hand-written migration and orm.py describe the same schema, on both databases."""

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.engine import Connection

from services.routing.orm import metadata
from shared.db import make_engine
from shared.migrate import version_table


def differences(connection: Connection) -> list[Any]:
    def ours(name: str | None, type_: str, _parent: Any) -> bool:
        return not (type_ == "table" and name == version_table("routing"))

    context = MigrationContext.configure(
        connection, opts={"compare_type": True, "include_name": ours}
    )
    return list(compare_metadata(context, metadata))


async def test_the_migrated_database_matches_the_tables_in_code(routing_url: str) -> None:
    engine = make_engine(routing_url)
    try:
        async with engine.connect() as connection:
            diff = await connection.run_sync(differences)
    finally:
        await engine.dispose()
    assert diff == []
