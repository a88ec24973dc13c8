"""`python -m services.routing <command>`: serve, worker, migrate, registry, calendar, ..."""

import asyncio
import sys
from collections.abc import Callable

import uvicorn

from services.routing import cli, orm
from services.routing.demo import seed_demo
from services.routing.settings import SERVICE, Settings
from shared import dlq
from shared.events import topics
from shared.http_server import PROTOCOL
from shared.migrate import upgrade
from shared.secrets import exit_on_missing_secret
from shared.worker import serve as serve_worker

USAGE = (
    "usage: python -m services.routing "
    "[serve|worker|migrate|seed-demo|registry|calendar|reconcile|token|dlq|outbox]"
)
CONSUMED = [
    topics.CLUE_RECEIVED,
    topics.ASSIGNMENT_RETURNED,
    topics.CASE_HANDOFF_REQUESTED,
    topics.ASSIGNMENT_ACCEPTED,
    topics.CASE_CONCLUDED,
]


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    command = args[0] if args else "serve"
    settings = Settings()
    commands: dict[str, Callable[[list[str], Settings], int]] = {
        "migrate": _migrate,
        "seed-demo": lambda _, s: _done(asyncio.run(seed_demo(s))),
        "registry": lambda a, s: cli.registry(a[1:], s),
        "calendar": lambda a, s: cli.calendar(a[1:], s),
        "reconcile": _reconcile,
        "worker": _worker,
        "dlq": _dead_letters,
        "outbox": _dead_letters,
        "token": _token,
        "serve": _serve,
        "api": _serve,
    }
    if command not in commands:
        print(USAGE, file=sys.stderr)
        return 2
    return commands[command](args, settings)


def _done(_: object) -> int:
    return 0


def _migrate(_: list[str], settings: Settings) -> int:
    upgrade(SERVICE, settings.database_url)
    # The shipped working-day years, so forwarding clocks count holidays from the start.
    return cli.calendar(["seed"], settings)


def _reconcile(args: list[str], settings: Settings) -> int:
    from services.routing.reconciliation.cli import main as reconcile

    return reconcile(args[1:], settings)


def _worker(_: list[str], settings: Settings) -> int:
    from services.routing.worker import build_worker

    serve_worker(build_worker(settings))
    return 0


def _dead_letters(args: list[str], settings: Settings) -> int:
    return dlq.main(args, service=SERVICE, settings=settings, topics=CONSUMED, outbox=orm.outbox)


def _token(args: list[str], settings: Settings) -> int:
    from shared.token_cli import main as token_main

    return token_main(SERVICE, settings.database_url, orm.revoked_tokens, args[1:])


def _serve(_: list[str], settings: Settings) -> int:
    # A factory string, so that every worker process builds its own app from the environment.
    uvicorn.run(
        "services.routing.app:create_app",
        factory=True,
        host=settings.host,
        port=settings.port,
        workers=settings.workers,
        http=PROTOCOL,
    )
    return 0


if __name__ == "__main__":
    with exit_on_missing_secret():
        sys.exit(main())
