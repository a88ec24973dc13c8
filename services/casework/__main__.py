"""`python -m services.casework [serve|worker|migrate|calendar|audit|token|dlq|outbox] ...`."""

import sys

from services.casework import orm
from services.casework.consumer import CONSUMED
from services.casework.settings import SERVICE, Settings
from shared.secrets import exit_on_missing_secret
from shared.service_main import ServiceMain
from shared.settings import ServiceSettings


def _casework(settings: ServiceSettings) -> Settings:
    assert isinstance(settings, Settings)  # ServiceMain built it with Settings()
    return settings


def _calendar(settings: ServiceSettings, argv: list[str]) -> int:
    from services.casework.deadlines.cli import main

    return main(argv, _casework(settings))


def _audit(settings: ServiceSettings, argv: list[str]) -> int:
    from services.casework.audit.cli import main

    return main(argv, _casework(settings))


def _token(settings: ServiceSettings, argv: list[str]) -> int:
    """The shared token commands, and `mint` with a body and the bodies an office serves."""
    from services.casework.token_cli import main

    return main(argv, _casework(settings))


MAIN = ServiceMain(
    name=SERVICE,
    settings=Settings,
    app="services.casework.app:create_app",
    worker="services.casework.worker:build_worker",
    outbox=orm.outbox,
    revoked_tokens=orm.revoked_tokens,
    consumes=CONSUMED,
    commands={"calendar": _calendar, "audit": _audit, "token": _token},
    # The shipped working-day years the database lacks, so clocks count holidays at once.
    after_migrate=lambda settings, _: _calendar(settings, ["seed"]),
)

if __name__ == "__main__":
    with exit_on_missing_secret():
        sys.exit(MAIN.run(sys.argv[1:]))
