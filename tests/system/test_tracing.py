"""One referral is one trace: the agency's POST, the outbox, the relay's send, Kafka, routing's
decision, its own outbox and relay, and casework's assignment, read with the OpenTelemetry
SDK's in-memory exporter from the three services running in this process over a real broker."""

import asyncio
import secrets
import uuid
from collections.abc import AsyncIterator, Iterator, Sequence
from contextlib import AsyncExitStack
from pathlib import Path

import httpx
import pytest
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind

from deploy.demo import referral, seed_blocking
from deploy.system import SERVICES
from services.casework.settings import Settings as CaseworkSettings
from services.casework.worker import build_worker as casework_worker
from services.intake.app import create_app as intake_app
from services.intake.settings import Settings as IntakeSettings
from services.intake.worker import build_worker as intake_worker
from services.routing.settings import Settings as RoutingSettings
from services.routing.worker import build_worker as routing_worker
from shared.broker import EmbeddedBroker
from shared.events.topics import ALL_WITH_DEAD_LETTERS
from shared.kafka import ensure_topics
from shared.observability import tracing
from tests.support.databases import DatabaseFactory
from tests.support.http import serve
from tests.system.client import poll

pytestmark = pytest.mark.system


@pytest.fixture
def spans() -> Iterator[InMemorySpanExporter]:
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    tracing.use(provider)
    try:
        yield exporter
    finally:
        tracing.use(None)
        provider.shutdown()


@pytest.fixture
def broker(tmp_path: Path) -> Iterator[str]:
    """A broker of its own: the services' consumer groups see only this test's events."""
    with EmbeddedBroker(log_path=tmp_path / "broker.log") as running:
        yield running.bootstrap_servers


@pytest.fixture
async def intake(
    backend: str, databases: DatabaseFactory, broker: str
) -> AsyncIterator[tuple[httpx.AsyncClient, str]]:
    """The three services' workers and intake's API, in this event loop; an agency's key."""
    urls = {name: databases.fresh(backend, name) for name in SERVICES}
    keys = {name: secrets.token_urlsafe(32) for name in SERVICES}
    credentials = await asyncio.to_thread(seed_blocking, urls, keys)
    common = {"kafka_bootstrap_servers": broker}
    intake_settings = IntakeSettings(
        database_url=urls["intake"], jwt_secret=keys["intake"], **common
    )
    workers = (
        intake_worker(intake_settings),
        routing_worker(RoutingSettings(database_url=urls["routing"], **common)),
        casework_worker(CaseworkSettings(database_url=urls["casework"], **common)),
    )
    await ensure_topics(broker, ALL_WITH_DEAD_LETTERS)
    async with AsyncExitStack() as stack:
        for worker in workers:
            await stack.enter_async_context(worker.running())
        client = await stack.enter_async_context(serve(intake_app(intake_settings)))
        yield client, credentials.agencies[0].api_key


def _one(spans: Sequence[ReadableSpan], name: str, **attributes: str) -> ReadableSpan:
    found = [
        s
        for s in spans
        if s.name == name and all((s.attributes or {}).get(k) == v for k, v in attributes.items())
    ]
    assert len(found) == 1, (name, [s.name for s in spans])
    return found[0]


def _parent(span: ReadableSpan) -> int | None:
    return span.parent.span_id if span.parent is not None else None


class TestOneReferralOneTrace:
    async def test_spans_are_linked_from_the_post_to_casework(
        self, spans: InMemorySpanExporter, intake: tuple[httpx.AsyncClient, str]
    ) -> None:
        client, key = intake
        answer = await client.post(
            "/v1/referrals",
            json=referral(),
            headers={"Authorization": f"Bearer {key}", "Idempotency-Key": str(uuid.uuid4())},
        )
        assert answer.status_code == 201, answer.text
        post = _one(spans.get_finished_spans(), "POST /v1/referrals")
        trace_id = post.context.trace_id

        def of_trace() -> list[ReadableSpan]:
            return [s for s in spans.get_finished_spans() if s.context.trace_id == trace_id]

        async def fetch() -> list[ReadableSpan]:
            return of_trace()

        found = await poll(
            fetch,
            lambda found: any(s.name == "process clue.routed" for s in found),
            "casework to apply the referral's routing decision",
        )
        received = {"messaging.destination.name": "clue.received"}
        created = _one(found, "create clue.received", **received)
        sent = _one(found, "send clue.received", **received)
        routing = _one(
            found, "process clue.received", **{"messaging.consumer.group.name": "routing"}
        )
        routed = _one(found, "create clue.routed")
        casework = _one(
            found, "process clue.routed", **{"messaging.consumer.group.name": "casework"}
        )
        assert post.kind == SpanKind.SERVER and post.attributes["http.route"] == "/v1/referrals"
        assert _parent(created) == post.context.span_id
        assert _parent(sent) == created.context.span_id and sent.kind == SpanKind.PRODUCER
        assert _parent(routing) == created.context.span_id and routing.kind == SpanKind.CONSUMER
        assert _parent(routed) == routing.context.span_id
        assert _parent(casework) == routed.context.span_id
        assert answer.json()["id"] not in repr([s.attributes for s in found])
