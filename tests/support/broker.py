"""One real broker for the test session: the embedded one, or KAFKA_BOOTSTRAP_SERVERS if set."""

import os
from collections.abc import Iterator

import pytest

from shared.broker import EmbeddedBroker


@pytest.fixture(scope="session")
def kafka_bootstrap() -> Iterator[str]:
    external = os.environ.get("KAFKA_BOOTSTRAP_SERVERS")
    if external:
        yield external
        return
    with EmbeddedBroker() as broker:
        yield broker.bootstrap_servers
