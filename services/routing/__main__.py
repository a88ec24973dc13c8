"""`python -m services.routing [serve|worker|migrate|seed-demo|registry|calendar|...]`."""

import asyncio
import sys

from services.routing import orm
from services.routing.consumer import CONSUMED
from services.routing.settings import SERVICE, Settings
from shared.secrets import exit_on_missing_secret
from shared.service_main import ServiceMain
from shared.settings import ServiceSettings


def _routing(settings: ServiceSettings) -> Settings:
    assert isinstance(settings, Settings)  # ServiceMain built it with Settings()
    return settings


def _registry(settings: ServiceSettings, argv: list[str]) -> int:
    from services.routing import cli

    return cli.registry(argv, _routing(settings))


def _calendar(settings: ServiceSettings, argv: list[str]) -> int:
    from services.routing import cli

    return cli.calendar(argv, _routing(settings))


def _reconcile(settings: ServiceSettings, argv: list[str]) -> int:
    from services.routing.reconciliation.cli import main

    return main(argv, _routing(settings))


def _seed_demo(settings: ServiceSettings, argv: list[str]) -> int:
    from services.routing.demo import seed_demo

    asyncio.run(seed_demo(_routing(settings)))
    return 0


MAIN = ServiceMain(
    name=SERVICE,
    settings=Settings,
    app="services.routing.app:create_app",
    worker="services.routing.worker:build_worker",
    outbox=orm.outbox,
    revoked_tokens=orm.revoked_tokens,
    consumes=CONSUMED,
    commands={
        "registry": _registry,
        "calendar": _calendar,
        "reconcile": _reconcile,
        "seed-demo": _seed_demo,
    },
    # The shipped working-day years, so forwarding clocks count holidays from the start.
    after_migrate=lambda settings, _: _calendar(settings, ["seed"]),
)

if __name__ == "__main__":
    with exit_on_missing_secret():
        sys.exit(MAIN.run(sys.argv[1:]))
