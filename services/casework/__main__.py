"""`python -m services.casework [serve|worker|migrate|dlq ...|outbox ...]`."""

import sys

import uvicorn

from services.casework import orm
from services.casework.app import SERVICE
from services.casework.settings import Settings
from shared import dlq
from shared.events import topics
from shared.migrate import upgrade
from shared.worker import serve as serve_worker

USAGE = "usage: python -m services.casework [serve|worker|migrate|dlq|outbox]"


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
    elif command == "serve":
        # An import string, so that each of several workers builds its own app.
        uvicorn.run(
            "services.casework.app:create_app",
            factory=True,
            host=settings.host,
            port=settings.port,
            workers=settings.workers,
        )
    else:
        print(USAGE, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
