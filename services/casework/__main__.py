"""`python -m services.casework [serve|worker|migrate|calendar|audit|token|dlq|outbox] ...`."""

import asyncio
import sys

from services.casework import orm
from services.casework.app import SERVICE
from services.casework.settings import Settings
from shared import dlq
from shared.http_server import serve_api
from shared.migrate import upgrade
from shared.secrets import exit_on_missing_secret
from shared.worker import serve as serve_worker

USAGE = (
    "usage: python -m services.casework [serve|worker|migrate|calendar|audit|token|dlq|outbox] ..."
)


def main(argv: list[str]) -> int:
    settings = Settings()
    command, rest = (argv[0], argv[1:]) if argv else ("serve", [])
    if command == "migrate":
        return _migrate(settings)
    if command == "worker":
        from services.casework.worker import build_worker

        serve_worker(build_worker(settings))
        return 0
    if command in ("dlq", "outbox"):
        from services.casework.consumer import CONSUMED

        return dlq.main(
            argv, service=SERVICE, settings=settings, topics=list(CONSUMED), outbox=orm.outbox
        )
    if command in TOOLS:
        return TOOLS[command](rest, settings)
    if command in ("serve", "api"):
        # An import string, so that each of several workers builds its own app.
        serve_api(SERVICE, "services.casework.app:create_app", settings)
        return 0
    print(USAGE, file=sys.stderr)
    return 2


def _migrate(settings: Settings) -> int:
    """The schema, then the shipped calendar years the database lacks."""
    from services.casework.cli_support import database
    from services.casework.deadlines.cli import seed

    upgrade(SERVICE, settings.database_url)

    async def seeded() -> list[int]:
        async with database(settings) as units:
            return await seed(units)

    asyncio.run(seeded())
    return 0


def _calendar(argv: list[str], settings: Settings) -> int:
    from services.casework.deadlines.cli import main as calendar_main

    return calendar_main(argv, settings)


def _audit(argv: list[str], settings: Settings) -> int:
    from services.casework.audit.cli import main as audit_main

    return audit_main(argv, settings)


def _token(argv: list[str], settings: Settings) -> int:
    from services.casework.token_cli import main as token_main

    return token_main(argv, settings)


TOOLS = {"calendar": _calendar, "audit": _audit, "token": _token}

if __name__ == "__main__":
    with exit_on_missing_secret():
        sys.exit(main(sys.argv[1:]))
