"""A window of clues: the China dates of their receipts (回执), which every service stores.

A receipt number is `GT-YYYYMMDD-...` with the day of receipt in China, so the three services
agree on which clues a window holds without sharing a clock or a table.
"""

from dataclasses import dataclass
from datetime import timedelta

from pydantic import BaseModel, ConfigDict, model_validator
from sqlalchemy import ColumnElement, and_, true

from shared.timestamps import Day

RECEIPT_PREFIX = "GT-"


class Window(BaseModel):
    """Receipt dates from `first` to `last`, both included; None: unbounded on that side."""

    model_config = ConfigDict(
        frozen=True,
        extra="forbid",
        json_schema_extra={"examples": [{"first": "2026-11-01", "last": "2026-11-30"}]},
    )

    first: Day | None = None
    last: Day | None = None

    @model_validator(mode="after")
    def _ordered(self) -> "Window":
        if self.first and self.last and self.first > self.last:
            raise ValueError("first is after last")
        return self

    def bounds(self) -> "ReceiptBounds":
        low = f"{RECEIPT_PREFIX}{self.first:%Y%m%d}" if self.first else None
        high = f"{RECEIPT_PREFIX}{self.last + timedelta(days=1):%Y%m%d}" if self.last else None
        return ReceiptBounds(low, high)


@dataclass(frozen=True)
class ReceiptBounds:
    """`low <= receipt_number < high`, compared byte by byte (COLLATE "C" on PostgreSQL)."""

    low: str | None
    high: str | None

    def holds(self, receipt_number: str) -> bool:
        return (self.low is None or receipt_number >= self.low) and (
            self.high is None or receipt_number < self.high
        )


def receipt_in(
    column: ColumnElement[str], bounds: ReceiptBounds, dialect: str
) -> ColumnElement[bool]:
    """The window as a condition; byte order on PostgreSQL, whatever the database's collation."""
    compared = column.collate("C") if dialect == "postgresql" else column
    conditions = []
    if bounds.low is not None:
        conditions.append(compared >= bounds.low)
    if bounds.high is not None:
        conditions.append(compared < bounds.high)
    return and_(true(), *conditions)
