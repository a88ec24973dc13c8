"""What case-management officers read: a clue's record, its history, the review queue."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Generic, TypeVar
from uuid import UUID

from services.routing.decisions.office import OfficeScope
from shared.codes import Category, Channel
from shared.events.contracts import DecisionKind

T = TypeVar("T")


class QueueSort(StrEnum):
    QUEUED = "queued_at"  # when the clue came to wait for review
    RECEIVED = "received_at"  # when intake received it


@dataclass(frozen=True, kw_only=True)
class GetClue:
    clue_id: UUID
    scope: OfficeScope


@dataclass(frozen=True, kw_only=True)
class ReviewQueue:
    region_prefixes: frozenset[str]
    limit: int
    after: tuple[datetime, UUID] | None = None
    sort: QueueSort = QueueSort.QUEUED
    descending: bool = False
    category: Category | None = None
    channel: Channel | None = None
    region: str | None = None
    kind: DecisionKind | None = None  # why it waits: initial, reroute, handoff, split


@dataclass(frozen=True)
class Page(Generic[T]):
    """`limit` items and the position after the last, only when there is one more."""

    items: list[T]
    next_after: tuple[datetime, UUID] | None

    @classmethod
    def of(
        cls, fetched: list[T], limit: int, position: Callable[[T], tuple[datetime, UUID]]
    ) -> "Page[T]":
        """From `limit + 1` fetched rows: the extra one only says that there is more."""
        items = fetched[:limit]
        more = len(fetched) > limit
        return cls(items, position(items[-1]) if more and items else None)
