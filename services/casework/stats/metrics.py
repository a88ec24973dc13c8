"""Casework's gauges on the worker's /metrics (shared/observability/facts.py): per body, the
open assignments and those with a clock or an open item past its deadline."""

from prometheus_client.core import GaugeMetricFamily, Metric

from services.casework.domain.states import OPEN
from services.casework.stats.repository import Workload
from shared.clock import utcnow
from shared.runtime import Runtime


async def workload(runtime: Runtime) -> list[Metric]:
    async with runtime.sessions() as session:
        rows = await Workload(session).per_body(utcnow(), open_states=sorted(OPEN))
    open_ = GaugeMetricFamily(
        "guantong_assignments_open",
        "Assignments of the body not yet in a final state",
        labels=["body"],
    )
    overdue = GaugeMetricFamily(
        "guantong_assignments_overdue",
        "Open assignments of the body with at least one clock or open item past its deadline "
        "(one per assignment, however many of its clocks are late)",
        labels=["body"],
    )
    for body, count, late in rows:
        open_.add_metric([body], count)
        overdue.add_metric([body], late)
    return [open_, overdue]
