"""Versioned event payloads. A breaking change is a new model with VERSION + 1, never an edit."""

from datetime import datetime
from decimal import Decimal
from typing import ClassVar
from uuid import UUID

from pydantic import BaseModel, ConfigDict

from shared.codes import Category, Channel, ClueStatus, Level, Outcome, Rank, Topic
from shared.events import topics


class Event(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    TOPIC: ClassVar[str]
    VERSION: ClassVar[int] = 1

    clue_id: UUID

    @classmethod
    def event_type(cls) -> str:
        return f"cn.guantong.{cls.TOPIC}.v{cls.VERSION}"

    @classmethod
    def schema_uri(cls) -> str:
        return f"urn:guantong:schema:{cls.TOPIC}:{cls.VERSION}"

    def key(self) -> str:
        return str(self.clue_id)


class SubjectSnapshot(BaseModel):
    """What routing and casework may know of a subject: the ID number only as its hash."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    id_number_hash: str | None = None
    unit: str
    position: str | None = None
    rank: Rank
    managing_level: Level
    party_member: bool
    same_level_committee_leader: bool = False


class ClueReceived(Event):
    TOPIC = topics.CLUE_RECEIVED

    receipt_number: str
    agency_id: UUID
    agency_name: str
    received_at: datetime
    subjects: list[SubjectSnapshot]
    category: Category
    topics: list[Topic] = []
    channel: Channel
    summary: str
    region: str
    amount: Decimal | None = None


class ClueRouted(Event):
    TOPIC = topics.CLUE_ROUTED

    decision_id: UUID
    lead_body_id: UUID
    lead_body_name: str | None = None
    co_body_ids: list[UUID] = []
    rule: str
    reason: str
    routed_at: datetime
    receipt_number: str
    category: Category
    channel: Channel
    summary: str
    region: str
    subjects: list[SubjectSnapshot]


class ClueStatusChanged(Event):
    TOPIC = topics.CLUE_STATUS

    status: ClueStatus
    occurred_at: datetime
    body_id: UUID | None = None
    body_name: str | None = None
    note: str | None = None
    outcome: Outcome | None = None
    outcome_summary: str | None = None


REGISTRY: dict[str, type[Event]] = {
    model.event_type(): model for model in (ClueReceived, ClueRouted, ClueStatusChanged)
}
