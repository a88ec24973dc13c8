"""`python -m services.routing [serve|worker|migrate|seed-demo|token ...|dlq ...|outbox ...]`."""

import asyncio
import sys

import uvicorn

from services.routing import orm
from services.routing.app import SERVICE
from services.routing.demo import seed_demo
from services.routing.settings import Settings
from shared import dlq
from shared.events import topics
from shared.http_server import PROTOCOL
from shared.migrate import upgrade
from shared.secrets import exit_on_missing_secret
from shared.worker import serve as serve_worker

USAGE = "usage: python -m services.routing [serve|worker|migrate|seed-demo|token|dlq|outbox]"


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    command = args[0] if args else "serve"
    settings = Settings()
    if command == "migrate":
        upgrade(SERVICE, settings.database_url)
    elif command == "seed-demo":
        asyncio.run(seed_demo(settings))
    elif command == "worker":
        from services.routing.worker import build_worker

        serve_worker(build_worker(settings))
    elif command in ("dlq", "outbox"):
        consumed = [topics.CLUE_RECEIVED]
        return dlq.main(
            args, service=SERVICE, settings=settings, topics=consumed, outbox=orm.outbox
        )
    elif command == "token":
        from shared.token_cli import main as token_main

        return token_main(SERVICE, settings.database_url, orm.revoked_tokens, args[1:])
    elif command in ("serve", "api"):
        # A factory string, so that every worker process builds its own app from the environment.
        uvicorn.run(
            "services.routing.app:create_app",
            factory=True,
            host=settings.host,
            port=settings.port,
            workers=settings.workers,
            http=PROTOCOL,
        )
    else:
        print(USAGE, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    with exit_on_missing_secret():
        sys.exit(main())
