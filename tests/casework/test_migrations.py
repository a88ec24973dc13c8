"""The hand-written migration builds exactly the tables orm.py describes."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection

from services.casework.orm import metadata
from shared.db import make_engine
from shared.migrate import version_table


def differences(connection: Connection) -> list[object]:
    context = MigrationContext.configure(
        connection, opts={"compare_type": True, "version_table": version_table("casework")}
    )
    return list(compare_metadata(context, metadata))


async def test_migrations_match_the_orm(casework_url: str) -> None:
    engine = make_engine(casework_url)
    try:
        async with engine.connect() as connection:
            assert await connection.run_sync(differences) == []
    finally:
        await engine.dispose()
