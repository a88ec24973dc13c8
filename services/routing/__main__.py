"""`python -m services.routing [serve|migrate|seed-demo]`."""

import argparse
import asyncio

import uvicorn

from services.routing.app import SERVICE
from services.routing.demo import seed_demo
from services.routing.settings import Settings
from shared.http_server import PROTOCOL
from shared.migrate import upgrade
from shared.secrets import exit_on_missing_secret


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m services.routing")
    parser.add_argument(
        "command", nargs="?", default="serve", choices=["serve", "migrate", "seed-demo"]
    )
    command = parser.parse_args(argv).command
    settings = Settings()
    if command == "migrate":
        upgrade(SERVICE, settings.database_url)
    elif command == "seed-demo":
        asyncio.run(seed_demo(settings))
    else:
        # A factory string, so that every worker process builds its own app from the environment.
        uvicorn.run(
            "services.routing.app:create_app",
            factory=True,
            host=settings.host,
            port=settings.port,
            workers=settings.workers,
            http=PROTOCOL,
        )


if __name__ == "__main__":
    with exit_on_missing_secret():
        main()
