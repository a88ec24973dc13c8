"""What each process counts, in Prometheus' terms (README, "Operating Guantong", Metrics).

Counters and histograms live in the process that does the work: an API worker process counts
its requests (uvicorn's workers are merged by exposition.py), a worker process its relay,
consumers and webhook deliveries. Labels are bounded sets: route templates (never a path with
an id in it), topics, consumers, outcomes, reason codes; never an id, a name or a text.
Gauges about the database (backlog, open assignments, ...) are read when scraped: facts.py.
"""

import time
from collections.abc import Iterator
from contextlib import contextmanager

from prometheus_client import Counter, Histogram, disable_created_metrics

# A `_created` series beside every counter doubles what is stored and nobody queries it.
disable_created_metrics()  # type: ignore[no-untyped-call]

HTTP_REQUESTS = Counter(
    "guantong_http_requests",
    "HTTP requests answered, by method, route template and status code",
    ["method", "route", "status"],
)
HTTP_DURATION = Histogram(
    "guantong_http_request_duration_seconds",
    "Time from a request's arrival to the end of its response, by method and route template",
    ["method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
OUTBOX_PUBLISHED = Counter(
    "guantong_outbox_published",
    "Outbox rows the relay published and the broker acknowledged, by topic",
    ["topic"],
)
OUTBOX_ROW_FAILURES = Counter(
    "guantong_outbox_row_failures",
    "Publications of an outbox row that failed for the row's own sake (too large, ...), by topic",
    ["topic"],
)
CONSUMER_EVENTS = Counter(
    "guantong_consumer_events",
    "Events a consumer took, by topic and outcome: applied, or duplicate (already in the inbox)",
    ["consumer", "topic", "outcome"],
)
CONSUMER_APPLY = Histogram(
    "guantong_consumer_apply_seconds",
    "Time to apply one polled batch of a partition in one transaction, by topic",
    ["consumer", "topic"],
    buckets=(0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
DEAD_LETTERS = Counter(
    "guantong_dead_letters",
    "Records a consumer sent to <topic>.dlq, by source topic and reason code",
    ["consumer", "topic", "reason"],
)
WEBHOOK_DELIVERIES = Counter(
    "guantong_webhook_deliveries",
    "Webhook delivery attempts by outcome: delivered, retry (failed, tried again later), failed "
    "(failed for the last time)",
    ["outcome"],
)
APPLIED, DUPLICATE = "applied", "duplicate"


def http_request(method: str, route: str, status: int, seconds: float) -> None:
    HTTP_REQUESTS.labels(method, route, str(status)).inc()
    HTTP_DURATION.labels(method, route).observe(seconds)


def consumed(consumer: str, topic: str, *, applied: bool) -> None:
    CONSUMER_EVENTS.labels(consumer, topic, APPLIED if applied else DUPLICATE).inc()


@contextmanager
def applying(consumer: str, topic: str) -> Iterator[None]:
    """Times one batch's transaction (only those that commit)."""
    started = time.perf_counter()
    yield
    CONSUMER_APPLY.labels(consumer, topic).observe(time.perf_counter() - started)


def dead_lettered(consumer: str, topic: str, reason: str) -> None:
    # The reason's code only ("refused: referral 123 unknown" -> "refused"): a bounded label.
    DEAD_LETTERS.labels(consumer, topic, reason.partition(":")[0].strip()[:40]).inc()


def relayed(topic: str, *, published: bool) -> None:
    (OUTBOX_PUBLISHED if published else OUTBOX_ROW_FAILURES).labels(topic).inc()


def webhook_delivery(outcome: str) -> None:
    WEBHOOK_DELIVERIES.labels(outcome).inc()
