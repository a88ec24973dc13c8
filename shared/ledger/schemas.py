"""The ledger API on the wire, the same for every service (routing's reconciler reads them all)."""

from datetime import datetime
from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from shared.ledger.window import Window

Prefix = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{1,8}$")]
MAX_PREFIXES = 4096
MAX_ITEM_PREFIXES = 1024
MAX_REPUBLISH = 1000


class DigestRequest(BaseModel):
    """Digests at `prefix_length` of the window's clues; `within`: only under these prefixes."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"window": {"first": "2026-01-01"}, "prefix_length": 3, "within": []}]
        },
    )

    window: Window = Window()
    prefix_length: int = Field(ge=1, le=8)
    within: list[Prefix] = Field(default_factory=list, max_length=MAX_PREFIXES)


class BucketOut(BaseModel):
    prefix: str
    digests: dict[str, str]


class DigestPage(BaseModel):
    service: str
    views: list[str]
    prefix_length: int
    buckets: list[BucketOut]


class ItemsRequest(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"window": {}, "prefixes": ["3fa0", "3fa1"]}]},
    )

    window: Window = Window()
    prefixes: list[Prefix] = Field(min_length=1, max_length=MAX_ITEM_PREFIXES)


class LedgerItem(BaseModel):
    """One clue as this service's ledger has it: the facts digested, when it last changed here,
    and the service's own details (ids, states, stages; never personal data)."""

    clue_id: UUID
    receipt_number: str
    facts: dict[str, str | None]
    changed_at: datetime | None = None
    detail: dict[str, Any] = Field(default_factory=dict)


class ItemsPage(BaseModel):
    service: str
    items: list[LedgerItem]


RepublishMode = Literal["republish", "reissue"]


class RepublishItem(BaseModel):
    """The events of `topic` about one clue that this service staged, optionally only those
    whose payload has the `match` fields, or the one event `event_id`."""

    model_config = ConfigDict(extra="forbid")

    clue_id: UUID
    topic: Annotated[str, StringConstraints(max_length=120)]
    mode: RepublishMode = "republish"
    match: dict[Annotated[str, StringConstraints(max_length=40)], str] = Field(
        default_factory=dict, max_length=4
    )
    event_id: Annotated[str, StringConstraints(max_length=36)] | None = None


class RepublishRequest(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "run_id": "0b0f6a39-6bd7-4bd6-9a5b-2d2f3f8f8c11",
                    "items": [
                        {
                            "clue_id": "3fa85f64-5717-4562-b3fc-2c963f66afa6",
                            "topic": "clue.received",
                            "mode": "reissue",
                        }
                    ],
                }
            ]
        },
    )

    run_id: UUID | None = None
    items: list[RepublishItem] = Field(min_length=1, max_length=MAX_REPUBLISH)


Outcome = Literal["republished", "reissued", "not_found", "set_aside", "refused"]


class RepublishResult(BaseModel):
    clue_id: UUID
    topic: str
    outcome: Outcome
    event_ids: list[str] = Field(default_factory=list)
    reason: str | None = None


class RepublishPage(BaseModel):
    service: str
    results: list[RepublishResult]


class DeadLetterOut(BaseModel):
    """A record this service's consumer dead-lettered whose event it has not applied since."""

    id: str  # `<source topic>:<partition>:<offset>`, as `dlq list` names it
    event_id: str
    clue_id: UUID | None
    topic: str
    producer: str
    reason: str
    failed_at: str


class DeadLetterPage(BaseModel):
    service: str
    dead_letters: list[DeadLetterOut]
