"""Gauges read when Prometheus scrapes a worker: what the database or a live client says now,
not what a process counted. A fact is an async function of the worker's runtime giving metric
families; exposition.py runs them on the worker's event loop, bounded in time.

Shared here: the outbox (every service) and consumer lag (every consuming worker). A service
adds its own in its worker.py (casework: open and overdue assignments per body), and routing
wires `reconciliation_discrepancies` to reconciliation's count when reconciliation lands.
In a deployment with several worker replicas each reports the same database facts: aggregate
them with max(), not sum().
"""

from collections.abc import Awaitable, Callable, Mapping
from typing import Protocol

from prometheus_client.core import GaugeMetricFamily, Metric

from shared.outbox.admin import backlog
from shared.runtime import Runtime

Fact = Callable[[Runtime], Awaitable[list[Metric]]]
DiscrepancyCounts = Callable[[Runtime], Awaitable[Mapping[str, int]]]


class Lagging(Protocol):
    """A consumer's status: its group and the lag of each partition it holds."""

    @property
    def group(self) -> str: ...

    def lag_by_topic(self) -> dict[str, int]: ...


async def outbox(runtime: Runtime) -> list[Metric]:
    found = (await backlog(runtime.engine, runtime.outbox)).as_json()
    families: list[Metric] = [
        GaugeMetricFamily(
            "guantong_outbox_backlog", "Outbox rows not yet published", value=found["backlog"]
        ),
        GaugeMetricFamily(
            "guantong_outbox_set_aside",
            "Unpublished outbox rows set aside after failing outbox_max_attempts times",
            value=found["set_aside"],
        ),
    ]
    age = found["oldest_unpublished_age_seconds"]
    families.append(
        GaugeMetricFamily(
            "guantong_outbox_oldest_unpublished_age_seconds",
            "Age of the oldest unpublished outbox row (0 when none waits)",
            value=float(age or 0.0),
        )
    )
    return families


def consumer_lag(statuses: list[Lagging]) -> list[Metric]:
    family = GaugeMetricFamily(
        "guantong_consumer_lag",
        "Records behind the end of each topic's partitions this consumer holds (as the broker "
        "reports its end offsets)",
        labels=["consumer", "topic"],
    )
    for status in statuses:
        for topic, lag in sorted(status.lag_by_topic().items()):
            family.add_metric([status.group, topic], lag)
    return [family]


def reconciliation_discrepancies(count: DiscrepancyCounts | None = None) -> Fact:
    """`guantong_reconciliation_discrepancies{class}`: what the latest reconciliation run found
    per class of discrepancy (missing routing record, assignment without decision, ...), as
    `count(runtime)` reads it from where reconciliation records its runs. Without `count`, the
    family is exposed with no samples (so dashboards and alerts can be written beforehand)."""

    async def fact(runtime: Runtime) -> list[Metric]:
        family = GaugeMetricFamily(
            "guantong_reconciliation_discrepancies",
            "Discrepancies between the three ledgers the latest reconciliation found, by class",
            labels=["class"],
        )
        found = await count(runtime) if count is not None else {}
        for name, value in sorted(found.items()):
            family.add_metric([name], value)
        return [family]

    return fact
