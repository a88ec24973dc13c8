"""`python -m services.intake [serve|worker|migrate|agency ...|token ...|dlq ...|outbox ...]`."""

import sys

from services.intake import orm
from services.intake.consumer import SUBSCRIPTIONS
from services.intake.settings import SERVICE, Settings
from shared.secrets import exit_on_missing_secret
from shared.service_main import ServiceMain
from shared.settings import ServiceSettings


def _agency(settings: ServiceSettings, argv: list[str]) -> int:
    from services.intake.agencies.cli import main  # the registry CLI alone needs no server

    return main(argv)


MAIN = ServiceMain(
    name=SERVICE,
    settings=Settings,
    app="services.intake.app:create_app",
    worker="services.intake.worker:build_worker",
    outbox=orm.outbox,
    revoked_tokens=orm.revoked_tokens,
    consumes=[s.topic for s in SUBSCRIPTIONS],
    commands={"agency": _agency},
)

if __name__ == "__main__":
    with exit_on_missing_secret():
        sys.exit(MAIN.run(sys.argv[1:]))
