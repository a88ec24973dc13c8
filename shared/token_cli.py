"""`python -m services.<svc> token revoke JTI`: puts a staff token on the service's deny-list.

Every process of the service refuses the token from its next request on (the list is read per
request); the entry goes when the token would have expired anyway (`--until`, else a year).
"""

import argparse
import asyncio
import getpass
import json
import sys
from datetime import datetime

from sqlalchemy import Table

from shared.db import make_engine, make_session_factory
from shared.revocation import revoke
from shared.timestamps import parse_instant


def _parser(service: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=f"python -m services.{service} token")
    commands = parser.add_subparsers(dest="command", required=True)
    revoking = commands.add_parser("revoke", help="refuse a staff token from now on")
    revoking.add_argument("jti", help="the token's jti claim (after -- if it starts with -)")
    revoking.add_argument("--until", help="the token's expiry (RFC 3339); default a year")
    return parser


async def _revoke(url: str, table: Table, jti: str, until: datetime | None, actor: str) -> bool:
    engine = make_engine(url)
    try:
        async with make_session_factory(engine).begin() as session:
            return await revoke(session, table, jti=jti, expires_at=until, actor=actor)
    finally:
        await engine.dispose()


def main(service: str, database_url: str, table: Table, argv: list[str]) -> int:
    args = _parser(service).parse_args(argv)
    try:
        until = parse_instant(args.until) if args.until else None
    except ValueError as exc:
        print(f"error: --until {exc}", file=sys.stderr)
        return 1
    if not 1 <= len(args.jti) <= 200:
        print("error: a jti has 1 to 200 characters", file=sys.stderr)
        return 1
    new = asyncio.run(_revoke(database_url, table, args.jti, until, f"cli:{getpass.getuser()}"))
    print(json.dumps({"jti": args.jti, "revoked": True, "already_revoked": not new}))
    return 0
