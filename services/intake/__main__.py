"""`python -m services.intake [serve|worker|migrate|agency ...|token ...|dlq ...|outbox ...]`."""

import sys

import uvicorn

from services.intake import orm
from services.intake.consumer import SUBSCRIPTIONS
from services.intake.settings import Settings
from shared import dlq
from shared.http_server import PROTOCOL
from shared.migrate import upgrade
from shared.secrets import exit_on_missing_secret
from shared.worker import serve as serve_worker


def main(argv: list[str]) -> None:
    settings = Settings()
    command = argv[0] if argv else "serve"
    if command == "migrate":
        upgrade("intake", settings.database_url)
    elif command == "worker":
        from services.intake.worker import build_worker

        serve_worker(build_worker(settings))
    elif command in ("dlq", "outbox"):
        topics = [s.topic for s in SUBSCRIPTIONS]
        raise SystemExit(
            dlq.main(argv, service="intake", settings=settings, topics=topics, outbox=orm.outbox)
        )
    elif command == "agency":
        from services.intake.cli import main as agency_main  # the CLI alone needs no uvicorn

        raise SystemExit(agency_main(argv[1:]))
    elif command == "token":
        from shared.token_cli import main as token_main

        raise SystemExit(token_main("intake", settings.database_url, orm.revoked_tokens, argv[1:]))
    elif command in ("serve", "api"):
        uvicorn.run(
            "services.intake.app:create_app",
            factory=True,
            host=settings.host,
            port=settings.port,
            workers=settings.workers,
            http=PROTOCOL,
            log_level="info",
            access_log=False,
        )
    else:
        raise SystemExit(
            f"unknown command {command!r}; use serve, worker, migrate, agency, token, dlq or outbox"
        )


if __name__ == "__main__":
    with exit_on_missing_secret():
        main(sys.argv[1:])
