"""`python -m services.casework audit verify`: walks the whole chain, reports the first link
that does not hold (exit 1) or how many entries it proved (exit 0)."""

import argparse
import asyncio
import json
from collections.abc import Sequence

from services.casework.audit.handlers import verify_chain
from services.casework.cli_support import database
from services.casework.settings import Settings
from shared.clock import utcnow


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m services.casework audit")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("verify", help="verify every link of the audit chain")
    return parser


async def _verify(settings: Settings) -> int:
    async with database(settings) as units:
        result = await verify_chain(units(), now=utcnow())
    report: dict[str, object] = {"ok": result.ok, "entries": result.entries}
    if not result.ok:
        report |= {"broken_seq": result.broken_seq, "reason": result.reason}
    print(json.dumps(report))
    return 0 if result.ok else 1


def main(argv: Sequence[str], settings: Settings | None = None) -> int:
    try:
        _parser().parse_args(list(argv))
    except SystemExit as exit_:
        return int(exit_.code or 0)
    return asyncio.run(_verify(settings or Settings()))
