"""`python -m services.intake [serve|migrate|agency ...|token revoke JTI]`."""

import sys

import uvicorn

from services.intake.settings import Settings
from shared.http_server import PROTOCOL
from shared.migrate import upgrade
from shared.secrets import exit_on_missing_secret


def main(argv: list[str]) -> None:
    settings = Settings()
    command = argv[0] if argv else "serve"
    if command == "migrate":
        upgrade("intake", settings.database_url)
    elif command == "agency":
        from services.intake.cli import main as agency_main  # the CLI alone needs no uvicorn

        raise SystemExit(agency_main(argv[1:]))
    elif command == "token":
        from services.intake.orm import revoked_tokens
        from shared.token_cli import main as token_main

        raise SystemExit(token_main("intake", settings.database_url, revoked_tokens, argv[1:]))
    elif command == "serve":
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
        raise SystemExit(f"unknown command {command!r}; use serve, migrate, agency or token")


if __name__ == "__main__":
    with exit_on_missing_secret():
        main(sys.argv[1:])
