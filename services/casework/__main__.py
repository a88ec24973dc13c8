"""`python -m services.casework [serve|worker|migrate|calendar|token|dlq|outbox] ...`."""

import sys

import uvicorn

from services.casework import orm
from services.casework.app import SERVICE
from services.casework.settings import Settings
from shared import dlq
from shared.events import topics
from shared.http_server import PROTOCOL
from shared.migrate import upgrade
from shared.secrets import exit_on_missing_secret
from shared.worker import serve as serve_worker

USAGE = "usage: python -m services.casework [serve|worker|migrate|calendar|token|dlq|outbox]"


def main(argv: list[str]) -> int:
    settings = Settings()
    command = argv[0] if argv else "serve"
    if command == "migrate":
        upgrade(SERVICE, settings.database_url)
    elif command == "worker":
        from services.casework.worker import build_worker

        serve_worker(build_worker(settings))
    elif command in ("dlq", "outbox"):
        consumed = [topics.CLUE_ROUTED]
        return dlq.main(
            argv, service=SERVICE, settings=settings, topics=consumed, outbox=orm.outbox
        )
    elif command == "calendar":
        from services.casework.calendar_cli import main as calendar_main

        return calendar_main(argv[1:])
    elif command == "token":
        from shared.token_cli import main as token_main

        return token_main(SERVICE, settings.database_url, orm.revoked_tokens, argv[1:])
    elif command in ("serve", "api"):
        # An import string, so that each of several workers builds its own app.
        uvicorn.run(
            "services.casework.app:create_app",
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
        sys.exit(main(sys.argv[1:]))
