"""`python -m services.casework calendar load FILE...|seed|list`: the official calendar years.

An administrator loads a year when the State Council publishes its notice. Every file is
validated before anything is written; one bad file loads nothing. Loading recounts, in the same
transaction, every running clock that was provisional (with a `deadline_recomputed` event).
"""

import argparse
import asyncio
import sys
from collections.abc import Sequence
from pathlib import Path

from services.casework.cli_support import UnitsOfWork, database
from services.casework.deadlines.handlers import load_calendar_years, seed_calendar
from services.casework.settings import Settings
from shared.clock import utcnow
from shared.workdays import CalendarFileError, read_year_file


async def load_files(units: UnitsOfWork, paths: Sequence[Path]) -> list[int]:
    """The years whose calendar changed; raises CalendarFileError before writing anything."""
    years = [read_year_file(path) for path in paths]
    changed, _ = await load_calendar_years(units(), years, now=utcnow())
    return changed


async def seed(units: UnitsOfWork) -> list[int]:
    return await seed_calendar(units(), now=utcnow())


async def listing(units: UnitsOfWork) -> list[str]:
    async with units() as uow:
        stored = await uow.calendar.stored()
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
    async with database(settings) as units:
        try:
            if args.command == "list":
                print("\n".join(await listing(units)))
                return 0
            changed = await (
                load_files(units, args.files) if args.command == "load" else seed(units)
            )
        except CalendarFileError as exc:
            print(f"refused, nothing loaded: {exc}", file=sys.stderr)
            return 1
    print("changed years: " + (" ".join(map(str, changed)) or "none"))
    return 0


def main(argv: Sequence[str], settings: Settings | None = None) -> int:
    try:
        args = _parser().parse_args(list(argv))
    except SystemExit as exit_:
        return int(exit_.code or 0)
    return asyncio.run(_run(args, settings or Settings()))
