"""What a consumer reports of itself: written to the heartbeat table, read by /readyz."""

import time
from dataclasses import dataclass, field
from typing import Any

from aiokafka import ConsumerRebalanceListener, TopicPartition

STARTING = "starting"
JOINED = "joined"
REBALANCING = "rebalancing"
PAUSED = "paused"
RESTARTING = "restarting"


@dataclass
class ConsumerStatus:
    group: str
    state: str = STARTING
    assignment: list[str] = field(default_factory=list)
    lag: int | None = None
    last_poll: float = field(default_factory=time.monotonic)
    last_error: str | None = None
    # Per partition held: what /metrics reports (observability/facts.py), summed by topic.
    lags: dict[TopicPartition, int] = field(default_factory=dict)

    def polled(self) -> None:
        self.last_poll = time.monotonic()

    def record_lag(self, tp: TopicPartition, lag: int) -> None:
        self.lag = self.lags[tp] = lag

    def lag_by_topic(self) -> dict[str, int]:
        totals: dict[str, int] = {}
        for tp, lag in list(self.lags.items()):
            totals[tp.topic] = totals.get(tp.topic, 0) + lag
        return totals

    def detail(self) -> dict[str, Any]:
        return {
            "group": self.group,
            "assignment": self.assignment,
            "lag": self.lag,
            "last_poll_seconds_ago": round(time.monotonic() - self.last_poll, 3),
            "last_error": self.last_error,
        }

    def effective_state(self, stall_seconds: float) -> str:
        """A loop that stopped polling is not joined, whatever its last assignment said."""
        if self.state == JOINED and time.monotonic() - self.last_poll > stall_seconds:
            return "stalled"
        return self.state


class StatusListener(ConsumerRebalanceListener):  # type: ignore[misc]
    """The group's own word on membership: joined only once partitions were handed out."""

    def __init__(self, status: ConsumerStatus) -> None:
        self._status = status

    async def on_partitions_revoked(self, revoked: list[TopicPartition]) -> None:
        self._status.state = REBALANCING

    async def on_partitions_assigned(self, assigned: list[TopicPartition]) -> None:
        self._status.assignment = sorted(f"{tp.topic}-{tp.partition}" for tp in assigned)
        self._status.lags = {tp: lag for tp, lag in self._status.lags.items() if tp in assigned}
        self._status.state = JOINED
