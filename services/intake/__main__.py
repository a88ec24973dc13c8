"""`python -m services.intake [serve|migrate]`."""

import sys

import uvicorn

from services.intake.settings import Settings
from shared.migrate import upgrade


def main(argv: list[str]) -> None:
    settings = Settings()
    command = argv[0] if argv else "serve"
    if command == "migrate":
        upgrade("intake", settings.database_url)
    elif command == "serve":
        uvicorn.run(
            "services.intake.app:create_app",
            factory=True,
            host=settings.host,
            port=settings.port,
            workers=settings.workers,
            log_level="info",
            access_log=False,
        )
    else:
        raise SystemExit(f"unknown command {command!r}; use serve or migrate")


if __name__ == "__main__":
    main(sys.argv[1:])
