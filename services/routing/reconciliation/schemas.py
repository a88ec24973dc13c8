"""HTTP models of reconciliation runs (never the ORM rows, never the ledger wire models)."""

from datetime import date, datetime
from typing import Any
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, StrictBool, model_validator

from shared.timestamps import Day


class ReconciliationRequested(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"first": "2026-11-01", "last": "2026-11-30"}, {}]},
    )

    first: Day | None = Field(None, description="first receipt date (China), included")
    last: Day | None = Field(None, description="last receipt date (China), included")
    repair: StrictBool = Field(True, description="ask owners to re-publish what is repairable")

    @model_validator(mode="after")
    def _ordered(self) -> "ReconciliationRequested":
        if self.first and self.last and self.first > self.last:
            raise ValueError("first is after last")
        return self


class RunOut(BaseModel):
    id: UUID
    trigger: str
    requested_by: str
    status: str
    first: date | None
    last: date | None
    repair: bool
    requested_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    clues: int | None
    in_flight: int | None
    counts: dict[str, dict[str, int]]
    verification: dict[str, int]
    error: str | None = None


class DiscrepancyOut(BaseModel):
    id: int
    kind: str
    kind_name: str
    detail: str
    clue_id: UUID | None
    receipt_number: str | None
    region: str | None
    body_ids: list[UUID]
    note: str
    facts: dict[str, Any]
    repair: dict[str, Any] | None
    repair_status: str
    repair_event_ids: list[str]
    repair_reason: str | None
    verified_by: UUID | None
    verified_at: datetime | None


class RunDetail(RunOut):
    bodies: dict[str, dict[str, Any]]
    discrepancies: list[DiscrepancyOut]
    next_cursor: str | None = None


class RunPage(BaseModel):
    items: list[RunOut]
    next_cursor: str | None = None
