"""`python -m services.casework` serves the API; `python -m services.casework migrate` upgrades."""

import sys

import uvicorn

from services.casework.app import SERVICE
from services.casework.settings import Settings
from shared.http_server import PROTOCOL
from shared.migrate import upgrade
from shared.secrets import exit_on_missing_secret


def main(argv: list[str]) -> int:
    settings = Settings()
    if argv[:1] == ["migrate"]:
        upgrade(SERVICE, settings.database_url)
        return 0
    if argv:
        print("usage: python -m services.casework [migrate]", file=sys.stderr)
        return 2
    # An import string, so that each of several workers builds its own app.
    uvicorn.run(
        "services.casework.app:create_app",
        factory=True,
        host=settings.host,
        port=settings.port,
        workers=settings.workers,
        http=PROTOCOL,
    )
    return 0


if __name__ == "__main__":
    with exit_on_missing_secret():
        sys.exit(main(sys.argv[1:]))
