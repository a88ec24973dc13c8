"""`python -m services.routing [serve|migrate|seed-demo]`."""

import argparse
import asyncio

import uvicorn

from services.routing.app import SERVICE
from services.routing.demo import seed_demo
from services.routing.settings import Settings
from shared.migrate import upgrade


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
        )


if __name__ == "__main__":
    main()
