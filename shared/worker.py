"""The worker process of a service (`python -m services.<svc> worker`, DESIGN.md Processes).

One process runs the outbox relay, the Kafka consumers and the service's own jobs (webhook
delivery, pruning, later scheduled jobs). Every task is supervised; what must run once per
deployment (the relay, jobs marked `once`) runs under a lease. Liveness is written to the
heartbeat table for the API's /readyz.
"""

import asyncio
import contextlib
import logging
import os
import signal
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from prometheus_client.core import Metric
from sqlalchemy import MetaData

from shared.backoff import Backoff
from shared.consumer import ConsumerStatus, EventConsumer, Subscription
from shared.db import is_sqlite
from shared.event_keys import keyring_for, signer_for
from shared.events.signing import KeyRing
from shared.events.topics import ALL_WITH_DEAD_LETTERS
from shared.heartbeat import HeartbeatWriter, Probe
from shared.kafka import KafkaPublisher, client_options, ensure_topics
from shared.lease import LeaseState, lease_for, run_leased
from shared.observability import facts as shared_facts
from shared.observability import logs, tracing
from shared.observability.exposition import worker_metrics
from shared.observability.publishing import ObservedPublisher
from shared.outbox import OUTBOX_CHANNEL, OutboxRelay, RelayConfig
from shared.runtime import Runtime
from shared.settings import ServiceSettings
from shared.shutdown import Drain
from shared.supervise import supervise

log = logging.getLogger(__name__)

# A consumer loop that has not polled for this long is reported stalled, not joined.
CONSUMER_STALL_SECONDS = 15.0


@dataclass(frozen=True)
class Job:
    """A background task of a service; `once`: a single worker of the deployment runs it."""

    name: str
    run: Callable[[], Coroutine[Any, Any, None]]
    once: bool = False


Subscriptions = Callable[[Runtime], list[Subscription]]
Jobs = Callable[[Runtime], list[Job]]
# A service's own gauges read at scrape time (observability/facts.py), beside the outbox's.
Facts = list[shared_facts.Fact]


class Worker:
    def __init__(
        self,
        name: str,
        settings: ServiceSettings,
        metadata: MetaData,
        *,
        subscriptions: Subscriptions,
        jobs: Jobs = lambda _runtime: [],
        facts: Facts | None = None,
    ) -> None:
        self.name, self.settings, self._metadata = name, settings, metadata
        self._subscriptions, self._jobs = subscriptions, jobs
        self._facts = [shared_facts.outbox, *(facts or [])]
        self._probes: dict[str, Probe] = {}
        self._tasks: list[asyncio.Task[None]] = []
        self._runtime: Runtime | None = None
        self._drains: list[Drain] = []
        self._consumers: list[ConsumerStatus] = []

    async def run(self) -> None:
        """Until cancelled."""
        runtime = Runtime.build(self.name, self.settings, self._metadata)
        signer = signer_for(self.name, self.settings.event_signing_keys)
        publisher = KafkaPublisher(
            self.settings.kafka_bootstrap_servers,
            client_id=f"{self.name}-worker",
            max_request_size=self.settings.kafka_max_request_bytes,
            security=client_options(self.settings),
        )
        relay = OutboxRelay(
            runtime.engine,
            runtime.outbox,
            ObservedPublisher(publisher),
            signer,
            self._relay_config(),
        )
        runtime.relay, self._runtime = relay, runtime
        writer = HeartbeatWriter(
            runtime.engine,
            runtime.heartbeats,
            self._probes,
            interval=self.settings.heartbeat_seconds,
        )
        try:
            self._start("heartbeat", writer.run)
            # Jobs first: webhook delivery and pruning need the database, not the broker.
            for job in self._jobs(runtime):
                self._start_job(job)
            if self.settings.run_relay or self.settings.run_consumers:
                await self._prepare_broker()
            if self.settings.run_relay:
                self._drains.append(relay.drain)
                self._start_relay(relay)
            if self.settings.run_consumers:
                keyring = keyring_for(self.settings.event_public_keys, own=signer)
                self._start_consumer(runtime, publisher, keyring)
            await asyncio.gather(*self._tasks)
        finally:
            for task in self._tasks:
                # A second cancel would cut short a task's own cleanup (a consumer leaving its
                # group), and the group would wait a session timeout for the missing member.
                if not task.done() and not task.cancelling():
                    task.cancel()
            for task in self._tasks:
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task
            self._runtime = None
            await writer.withdraw()
            await publisher.stop()
            await runtime.stop()

    async def observe(self) -> list[Metric]:
        """The gauges read when /metrics is scraped: the service's facts, consumer lag."""
        runtime = self._runtime
        if runtime is None:
            return []
        found = shared_facts.consumer_lag(list(self._consumers))
        for families in await asyncio.gather(*(fact(runtime) for fact in self._facts)):
            found.extend(families)
        return found

    async def drain(self, seconds: float) -> None:
        """Lets the relay's round and each consumer's poll in hand finish (see shutdown.py)."""
        done = await asyncio.gather(*(d.drain(seconds) for d in self._drains))
        if not all(done):
            log.warning("%s: stopping with work in hand after %.0fs", self.name, seconds)

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator["Worker"]:
        """For tests: the worker in this event loop, stopped on exit."""
        task = asyncio.create_task(self.run(), name=f"{self.name}-worker")
        try:
            yield self
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    def _relay_config(self) -> RelayConfig:
        s = self.settings
        return RelayConfig(
            batch_size=s.outbox_batch_size,
            poll_seconds=s.outbox_poll_seconds
            if is_sqlite(s.database_url)
            else s.outbox_notify_poll_seconds,
            max_attempts=s.outbox_max_attempts,
            backoff_max_seconds=s.outbox_backoff_max_seconds,
            retention=timedelta(hours=s.outbox_retention_hours),
        )

    async def _prepare_broker(self) -> None:
        backoff = Backoff(initial=0.5, cap=5.0)
        self._probes["topics"] = lambda: ("starting", {})
        while True:
            try:
                await ensure_topics(
                    self.settings.kafka_bootstrap_servers,
                    ALL_WITH_DEAD_LETTERS,
                    partitions=self.settings.topic_partitions,
                    security=client_options(self.settings),
                )
                break
            except Exception as exc:
                log.warning("%s: cannot create topics yet (%s)", self.name, type(exc).__name__)
                await asyncio.sleep(backoff.next())
        del self._probes["topics"]

    def _start_relay(self, relay: OutboxRelay) -> None:
        state = LeaseState()
        lease = lease_for(
            self.settings.database_url, f"{self.name}:relay", on_notify={OUTBOX_CHANNEL: relay.wake}
        )
        self._probes["relay"] = lambda: (state.state, {"last_error": relay.last_error})
        self._start(
            "relay",
            lambda: run_leased(
                lease, relay.run, state=state, retry_seconds=self.settings.lease_retry_seconds
            ),
        )

    def _start_consumer(
        self, runtime: Runtime, publisher: KafkaPublisher, keyring: KeyRing
    ) -> None:
        subscriptions = self._subscriptions(runtime)
        if not subscriptions:
            return
        s = self.settings
        consumer = EventConsumer(
            name=self.name,
            bootstrap_servers=s.kafka_bootstrap_servers,
            security=client_options(s),
            subscriptions=subscriptions,
            session_factory=runtime.sessions,
            inbox=runtime.inbox,
            dead_letters=publisher,
            keyring=keyring,
            max_attempts=s.consumer_max_attempts,
            session_timeout_ms=s.kafka_session_timeout_ms,
            backoff_max_seconds=s.consumer_backoff_max_seconds,
            after_commit=runtime.relay.wake,
        )
        status = consumer.status
        self._drains.append(consumer.drain)
        self._consumers.append(status)
        self._probes[f"consumer:{self.name}"] = lambda: (
            status.effective_state(CONSUMER_STALL_SECONDS),
            status.detail(),
        )
        self._start(f"{self.name} consumer", consumer.run)

    def _start_job(self, job: Job) -> None:
        if not job.once:
            self._probes[job.name] = lambda: ("running", {})
            self._start(job.name, job.run)
            return
        state = LeaseState()
        lease = lease_for(self.settings.database_url, f"{self.name}:{job.name}")
        self._probes[job.name] = lambda: (state.state, {})
        self._start(
            job.name,
            lambda: run_leased(
                lease, job.run, state=state, retry_seconds=self.settings.lease_retry_seconds
            ),
        )

    def _start(self, name: str, run: Callable[[], Awaitable[None]]) -> None:
        self._tasks.append(asyncio.create_task(supervise(name, run), name=name))


def serve(worker: Worker) -> None:
    """The process entry point: runs the worker until SIGTERM or SIGINT, then drains it (the
    relay's round and the consumers' polls in hand finish) and stops it, all within
    `graceful_shutdown_seconds` and a few seconds more to leave the group and close."""
    settings = worker.settings
    logs.configure(worker.name, "worker")
    tracing.configure(
        service=worker.name, process="worker", endpoint=settings.otel_exporter_otlp_endpoint
    )
    asyncio.run(_serve(worker, settings))
    tracing.flush()
    log.info("%s worker stopped", worker.name)


async def _serve(worker: Worker, settings: ServiceSettings) -> None:
    loop = asyncio.get_running_loop()
    stop_metrics = worker_metrics(
        host=str(getattr(settings, "host", "127.0.0.1")),
        port=int(getattr(settings, "worker_metrics_port", 0)),
        observe=worker.observe,
        loop=loop,
    )
    task = asyncio.create_task(worker.run())
    stopping: list[asyncio.Task[None]] = []
    grace = settings.graceful_shutdown_seconds

    async def shut_down() -> None:
        log.info("%s worker stopping: finishing the work in hand", worker.name)
        # The last resort if leaving the group or closing hangs (a frozen broker).
        loop.call_later(grace + HARD_STOP_SECONDS, _hard_stop, worker.name)
        await worker.drain(grace)
        task.cancel()

    def on_signal() -> None:
        if not stopping:
            stopping.append(asyncio.create_task(shut_down()))

    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, on_signal)
    try:
        with contextlib.suppress(asyncio.CancelledError):
            await task
    finally:
        stop_metrics()


# After the drain's bound: time to leave the consumer group and close the clients.
HARD_STOP_SECONDS = 5.0


def _hard_stop(name: str) -> None:
    log.error("%s worker did not stop in time; exiting", name)
    logging.shutdown()
    os._exit(1)
