"""`python -m services.casework calendar load FILE...|seed|list`: the official calendar years.

An administrator loads a year when the State Council publishes its notice. Every file is
validated before anything is written; one bad file loads nothing.
"""

import argparse
import asyncio
import sys
from collections.abc import Sequence
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.casework.orm import calendar_years, outbox
from services.casework.settings import Settings
from services.casework.unit_of_work import SOURCE, CaseworkUnitOfWork
from shared.clock import utcnow
from shared.db import make_engine, make_session_factory
from shared.workdays import CalendarFileError, read_year_file
from shared.workdays.store import load_years, seed_shipped_years, stored_years

Sessions = async_sessionmaker[AsyncSession]


async def load_files(sessions: Sessions, paths: Sequence[Path]) -> list[int]:
    """The years whose calendar changed; raises CalendarFileError before writing anything."""
    years = [read_year_file(path) for path in paths]
    async with CaseworkUnitOfWork(sessions, outbox, source=SOURCE) as uow:
        changed = await load_years(uow.session, calendar_years, years, now=utcnow())
        await uow.commit()
    return changed


async def seed(sessions: Sessions) -> list[int]:
    async with CaseworkUnitOfWork(sessions, outbox, source=SOURCE) as uow:
        changed = await seed_shipped_years(uow.session, calendar_years, now=utcnow())
        await uow.commit()
    return changed


async def listing(sessions: Sessions) -> list[str]:
    async with CaseworkUnitOfWork(sessions, outbox, source=SOURCE) as uow:
        stored = await stored_years(uow.session, calendar_years)
    return [
        f"{s.year}\t{s.loaded_at:%Y-%m-%dT%H:%M:%SZ}\t{s.digest[:12]}\t{s.source}" for s in stored
    ]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m services.casework calendar")
    commands = parser.add_subparsers(dest="command", required=True)
    load = commands.add_parser("load", help="add or replace years from year documents")
    load.add_argument("files", nargs="+", type=Path)
    commands.add_parser("seed", help="add the shipped years this database lacks")
    commands.add_parser("list", help="the years loaded, with their source")
    return parser


async def _run(args: argparse.Namespace, settings: Settings) -> int:
    engine = make_engine(settings.database_url)
    sessions = make_session_factory(engine)
    try:
        if args.command == "list":
            print("\n".join(await listing(sessions)))
            return 0
        changed = await (
            load_files(sessions, args.files) if args.command == "load" else seed(sessions)
        )
    except CalendarFileError as exc:
        print(f"refused, nothing loaded: {exc}", file=sys.stderr)
        return 1
    finally:
        await engine.dispose()
    print("changed years: " + (" ".join(map(str, changed)) or "none"))
    return 0


def main(argv: Sequence[str], settings: Settings | None = None) -> int:
    try:
        args = _parser().parse_args(list(argv))
    except SystemExit as exit_:
        return int(exit_.code or 0)
    return asyncio.run(_run(args, settings or Settings()))
