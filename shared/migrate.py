"""Alembic, one environment and version table per service, driven from code and from env.py."""

import asyncio
import os
from pathlib import Path
from typing import Any

from alembic import command, context
from alembic.config import Config
from sqlalchemy import MetaData, pool
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine

from shared.db import UTCDateTime

MIGRATIONS = Path(__file__).resolve().parents[1] / "migrations"


def services() -> tuple[str, ...]:
    """Every service with an Alembic environment: a folder of migrations/ holding env.py."""
    return tuple(sorted(p.name for p in MIGRATIONS.iterdir() if (p / "env.py").is_file()))


SERVICES = services()


def version_table(service: str) -> str:
    return f"alembic_version_{service}"


def alembic_config(service: str, url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS / service))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    config.attributes["service"] = service
    return config


def upgrade(service: str, url: str, revision: str = "head") -> None:
    """Blocking; call from a thread when an event loop is already running."""
    if url.startswith("sqlite"):
        private_sqlite_file(Path(url.split("///", 1)[1]))
    command.upgrade(alembic_config(service, url), revision)


def private_sqlite_file(path: Path) -> None:
    """The database file readable by its owner only, before SQLite first opens it: SQLite
    gives its WAL and shared-memory files the mode of the database file."""
    if str(path) in ("", ":memory:"):
        return
    # A missing folder is made private; an existing one (a temp dir, say) is not ours to change.
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
    path.chmod(0o600)


def downgrade(service: str, url: str, revision: str = "base") -> None:
    command.downgrade(alembic_config(service, url), revision)


def _render_item(kind: str, obj: Any, autogen_context: Any) -> str | bool:
    # Migrations stay independent of application types: UTCDateTime is a plain aware DateTime.
    if kind == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def run_env(service: str, metadata: MetaData) -> None:
    """Body of migrations/<service>/env.py."""
    url = context.config.get_main_option("sqlalchemy.url")
    if not url:
        raise RuntimeError(f"no database url for {service}")
    options: dict[str, Any] = {
        "target_metadata": metadata,
        "version_table": version_table(service),
        "render_as_batch": url.startswith("sqlite"),
        "compare_type": True,
        "render_item": _render_item,
    }
    if context.is_offline_mode():
        context.configure(url=url, literal_binds=True, **options)
        with context.begin_transaction():
            context.run_migrations()
        return

    def _run(connection: Connection) -> None:
        context.configure(connection=connection, **options)
        with context.begin_transaction():
            context.run_migrations()

    async def _online() -> None:
        engine = create_async_engine(url, poolclass=pool.NullPool)
        async with engine.connect() as connection:
            await connection.run_sync(_run)
        await engine.dispose()

    asyncio.run(_online())
