"""The real system for system tests: broker, migrations, demo data and the three services as
processes on free ports, with fresh databases of this run; one system per database backend.

Each system gets its own embedded broker: consumer groups are named after the services, so a
broker shared with other tests (or the other backend's system) would mix their events.
"""

import secrets
from collections.abc import Iterator

import pytest

from deploy.system import SERVICES, System
from tests.support.databases import DatabaseFactory


@pytest.fixture(scope="package")
def system(
    backend: str, databases: DatabaseFactory, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[System]:
    urls = {name: databases.fresh(backend, name) for name in SERVICES}
    running = System.on_free_ports(
        urls,
        log_dir=tmp_path_factory.mktemp(f"system-{backend}"),
        jwt_secrets={name: secrets.token_urlsafe(32) for name in SERVICES},
        # The tests' stand-in for an agency's callback listens on loopback.
        extra_env={
            "INTAKE_WEBHOOK_ALLOW_PRIVATE": "true",
            "INTAKE_WEBHOOK_POLL_SECONDS": "0.2",
            # Reconciliation runs only when a test asks, and judges what settled for 1 s.
            "ROUTING_RECONCILE_INTERVAL_SECONDS": "0",
            "ROUTING_RECONCILE_SETTLE_SECONDS": "1",
            "ROUTING_RECONCILE_POLL_SECONDS": "0.3",
        },
    )
    with running:
        yield running
