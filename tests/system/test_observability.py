"""Metrics and logs of the real processes, with intake's API on two uvicorn workers: /metrics
parses with prometheus_client's own parser, counts add up across the workers whichever one
answers the scrape, every flow and failure is counted where it happens, and every log line is
one JSON object with the fields operators search by."""

import asyncio
import json
import re
import secrets
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from aiokafka import AIOKafkaProducer
from prometheus_client.parser import text_string_to_metric_families

from deploy.demo import referral
from deploy.system import SERVICES, System
from shared.codes import ClueStatus
from shared.events.contracts import ClueStatusChanged
from tests.support.databases import DatabaseFactory
from tests.support.events import unsigned
from tests.system.client import Agency, credentials, poll

pytestmark = pytest.mark.system

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
REFERRALS = 24
Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]


@pytest.fixture(scope="module")
def observed(
    backend: str, databases: DatabaseFactory, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[System]:
    urls = {name: databases.fresh(backend, name) for name in SERVICES}
    running = System.on_free_ports(
        urls,
        log_dir=tmp_path_factory.mktemp(f"observed-{backend}"),
        jwt_secrets={name: secrets.token_urlsafe(32) for name in SERVICES},
        workers={"intake": 2},
    )
    with running:
        yield running


async def scrape(system: System, process: str) -> tuple[str, Samples]:
    """The text of a process's /metrics, and its samples parsed by prometheus_client."""
    async with httpx.AsyncClient(timeout=10.0, trust_env=False) as client:
        response = await client.get(system.metrics_url(process))
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain")
    samples: Samples = {}
    for family in text_string_to_metric_families(response.text):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return response.text, samples


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def families(text: str) -> dict[str, str]:
    return {f.name: f.type for f in text_string_to_metric_families(text)}


async def _refer_concurrently(system: System, count: int, *, agencies: int = 99) -> list[str]:
    """Each request on a new connection, so the kernel spreads them over both workers."""
    keys = [a.api_key for a in credentials(system).agencies][:agencies]
    limits = httpx.Limits(max_keepalive_connections=0)

    async def one(i: int) -> str:
        async with httpx.AsyncClient(
            base_url=system.url("intake"), limits=limits, timeout=30.0, trust_env=False
        ) as client:
            headers = {
                "Authorization": f"Bearer {keys[i % len(keys)]}",
                "Idempotency-Key": str(uuid.uuid4()),
            }
            answer = await client.post("/v1/referrals", json=referral(), headers=headers)
            assert answer.status_code == 201, answer.text
            read = await client.get(f"/v1/referrals/{answer.json()['id']}", headers=headers)
            assert read.status_code == 200
            return str(answer.json()["id"])

    return list(await asyncio.gather(*(one(i) for i in range(count))))


class TestApiMetrics:
    async def test_requests_add_up_across_two_uvicorn_workers_by_route_template(
        self, observed: System
    ) -> None:
        _, before = await scrape(observed, "intake")
        ids = await _refer_concurrently(observed, REFERRALS)
        for _ in range(4):  # whichever worker would answer, the parent merges them all
            text, after = await scrape(observed, "intake")
            posted = ("POST", "/v1/referrals")
            read = ("GET", "/v1/referrals/{referral_id}")
            for (method, route), status in ((posted, "201"), (read, "200")):
                counted = value(
                    after, "guantong_http_requests_total", method=method, route=route, status=status
                ) - value(
                    before,
                    "guantong_http_requests_total",
                    method=method,
                    route=route,
                    status=status,
                )
                timed = value(
                    after,
                    "guantong_http_request_duration_seconds_count",
                    method=method,
                    route=route,
                ) - value(
                    before,
                    "guantong_http_request_duration_seconds_count",
                    method=method,
                    route=route,
                )
                assert counted == timed == REFERRALS, (method, route)
            assert not any(i in text for i in ids) and not UUID.search(text)
        assert families(text)["guantong_http_request_duration_seconds"] == "histogram"

    async def test_metrics_are_not_on_the_api_port(self, observed: System) -> None:
        async with httpx.AsyncClient(base_url=observed.url("intake"), trust_env=False) as client:
            answer = await client.get("/metrics")
        assert answer.status_code == 404
        assert "guantong_http_requests_total" not in answer.text


class TestWorkerMetrics:
    async def test_the_flow_is_counted_in_each_worker(self, observed: System) -> None:
        before = {p: (await scrape(observed, p))[1] for p in observed.processes}
        ids = await _refer_concurrently(observed, 5, agencies=1)
        agency = Agency(observed, credentials(observed).agencies[0].api_key)
        try:
            for referral_id in ids:
                await agency.wait_for_status(referral_id, "assigned")
        finally:
            await agency.aclose()
        after = {p: (await scrape(observed, p))[1] for p in observed.processes}

        def grew(process: str, name: str, **labels: str) -> float:
            return value(after[process], name, **labels) - value(before[process], name, **labels)

        received, routed = {"topic": "clue.received"}, {"topic": "clue.routed"}
        assert grew("intake-worker", "guantong_outbox_published_total", **received) >= 5
        assert grew("routing-worker", "guantong_outbox_published_total", **routed) >= 5
        applied = {"consumer": "routing", "outcome": "applied", **received}
        assert grew("routing-worker", "guantong_consumer_events_total", **applied) == 5
        apply_count = "guantong_consumer_apply_seconds_count"
        assert grew("routing-worker", apply_count, consumer="routing", **received) >= 1
        assert grew("casework-worker", apply_count, consumer="casework", **routed) >= 1
        assert ("guantong_consumer_lag", (("consumer", "routing"), *received.items())) in after[
            "routing-worker"
        ]
        for worker in ("intake-worker", "routing-worker", "casework-worker"):
            assert value(after[worker], "guantong_outbox_backlog") >= 0
            assert ("guantong_outbox_oldest_unpublished_age_seconds", ()) in after[worker]
        open_ = {k: v for k, v in after["casework-worker"].items() if k[0].endswith("_open")}
        assert sum(open_.values()) >= 5 and all(UUID.fullmatch(dict(k[1])["body"]) for k in open_)

    async def test_a_dead_letter_is_counted_by_topic_and_reason(self, observed: System) -> None:
        forged = unsigned(
            ClueStatusChanged(
                clue_id=uuid.uuid4(),
                status=ClueStatus.ACCEPTED,
                occurred_at=datetime.now(UTC),
                stage=1,
                sequence=1,
            ),
            source="urn:attacker",
        )
        _, before = await scrape(observed, "intake-worker")
        producer = AIOKafkaProducer(bootstrap_servers=observed.bootstrap_servers)
        await producer.start()
        try:
            topic, key, data, headers = forged
            await producer.send_and_wait(topic, value=data, key=key, headers=headers)
        finally:
            await producer.stop()
        labels = {"consumer": "intake", "topic": "clue.status", "reason": "unauthenticated"}
        await poll(
            lambda: scrape(observed, "intake-worker"),
            lambda found: (
                value(found[1], "guantong_dead_letters_total", **labels)
                == value(before, "guantong_dead_letters_total", **labels) + 1
            ),
            "the dead letter to be counted",
        )

    async def test_reconciliation_discrepancies_are_exposed_by_routing(
        self, observed: System
    ) -> None:
        text, _ = await scrape(observed, "routing-worker")
        assert families(text)["guantong_reconciliation_discrepancies"] == "gauge"


class TestLogs:
    async def test_every_line_is_json_with_the_fields_operators_search_by(
        self, observed: System
    ) -> None:
        request_id = f"obs-{uuid.uuid4().hex[:12]}"
        agency = Agency(observed, credentials(observed).agencies[0].api_key)
        try:
            answer = await agency._client.get("/v1/referrals", headers={"X-Request-Id": request_id})
        finally:
            await agency.aclose()
        assert answer.headers["x-request-id"] == request_id
        lines = await poll(
            lambda: asyncio.to_thread(_log_lines, observed),
            lambda found: any(line.get("request_id") == request_id for line in found["intake"]),
            "the access line of the request",
        )
        for process in observed.processes:
            assert lines[process], process
            for line in lines[process]:
                assert {"time", "level", "service", "process", "logger", "event"} <= line.keys()
                assert line["service"] == process.removesuffix("-worker")
        (access,) = [line for line in lines["intake"] if line.get("request_id") == request_id]
        assert access["logger"] == "guantong.access" and access["status"] == 200
        assert (access["method"], access["route"]) == ("GET", "/v1/referrals")
        assert access["agency"] == credentials(observed).agencies[0].id


def _log_lines(system: System) -> dict[str, list[dict[str, Any]]]:
    found: dict[str, list[dict[str, Any]]] = {}
    for process in system.processes:
        text = (system.log_dir / f"{process}.log").read_text(encoding="utf-8")
        found[process] = [json.loads(line) for line in text.splitlines() if line.strip()]
    return found
