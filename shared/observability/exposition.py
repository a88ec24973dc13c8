"""Where Prometheus reads a process's metrics: a port of its own, never the API's port.

Intake's API port is open to the internet (deploy/k8s NetworkPolicy); /metrics is not. Each
process serves `GET /metrics` on `<SVC>_METRICS_PORT` (an API) or `<SVC>_WORKER_METRICS_PORT`
(a worker), bound to `<SVC>_HOST`, and the NetworkPolicy lets only Prometheus reach those ports.

An API with several uvicorn workers: the parent process, before it starts them, makes a fresh
directory for this run and points PROMETHEUS_MULTIPROC_DIR at it; each worker process writes its
counters there (prometheus-client's multiprocess mode) and the parent serves them merged, so a
scrape sees every worker's requests whichever worker would have answered. The directory goes
when the server stops. With one worker, the process serves its own registry.

A worker process serves its own registry plus its facts (facts.py), which run on its event loop
when scraped.
"""

import asyncio
import contextlib
import logging
import os
import shutil
import tempfile
from collections.abc import Awaitable, Callable, Iterator
from typing import Any

from prometheus_client import REGISTRY, CollectorRegistry, start_http_server
from prometheus_client.core import Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

log = logging.getLogger(__name__)

MULTIPROCESS_DIR = "PROMETHEUS_MULTIPROC_DIR"
# Within Prometheus' usual 5 s scrape timeout, so that the counters still arrive.
FACTS_TIMEOUT_SECONDS = 3.0


@contextlib.contextmanager
def api_metrics(*, host: str, port: int, workers: int) -> Iterator[None]:
    """Around uvicorn.run: the merged metrics of its worker processes on `port` (0: none)."""
    if port <= 0:
        yield
        return
    directory = None
    registry: CollectorRegistry = REGISTRY
    if workers > 1:
        directory = tempfile.mkdtemp(prefix="guantong-metrics-")
        os.environ[MULTIPROCESS_DIR] = directory  # inherited by the workers uvicorn spawns
        registry = CollectorRegistry()
        MultiProcessCollector(registry, path=directory)  # type: ignore[no-untyped-call]
    server = _listen(host, port, registry)
    try:
        yield
    finally:
        if server is not None:
            server.shutdown()
            server.server_close()
        if directory is not None:
            os.environ.pop(MULTIPROCESS_DIR, None)
            shutil.rmtree(directory, ignore_errors=True)


class _Facts(Collector):
    """Runs the worker's facts on its event loop from the HTTP server's thread."""

    def __init__(
        self, observe: Callable[[], Awaitable[list[Metric]]], loop: asyncio.AbstractEventLoop
    ) -> None:
        self._observe = observe
        self._loop = loop

    def describe(self) -> list[Metric]:
        return []  # registering must not run the facts (the loop may be the caller's)

    def collect(self) -> list[Metric]:
        future = asyncio.run_coroutine_threadsafe(_call(self._observe), self._loop)
        try:
            return future.result(FACTS_TIMEOUT_SECONDS)
        except Exception as exc:  # the database is away: the counters still answer
            future.cancel()
            log.warning("metrics: facts not read (%s)", type(exc).__name__)
            return []


async def _call(observe: Callable[[], Awaitable[list[Metric]]]) -> list[Metric]:
    return await observe()


def worker_metrics(
    *,
    host: str,
    port: int,
    observe: Callable[[], Awaitable[list[Metric]]],
    loop: asyncio.AbstractEventLoop,
) -> Callable[[], None]:
    """Serves this process's registry and its facts on `port` (0: none); returns the stop."""
    if port <= 0:
        return lambda: None
    facts = _Facts(observe, loop)
    REGISTRY.register(facts)
    server = _listen(host, port, REGISTRY)

    def stop() -> None:
        if server is not None:
            server.shutdown()
            server.server_close()
        REGISTRY.unregister(facts)

    return stop


def _listen(host: str, port: int, registry: CollectorRegistry) -> Any:
    """The metrics server; None when the port is taken (two workers of one service on one
    machine, say): a process without metrics still does its work, and says so."""
    try:
        server, _ = start_http_server(port, addr=host, registry=registry)
    except OSError as exc:
        log.error("metrics: cannot listen on %s:%d (%s); serving none", host, port, exc.strerror)
        return None
    log.info("metrics on http://%s:%d/metrics", host, port)
    return server
