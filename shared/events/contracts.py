"""Versioned event payloads. A breaking change is a new model with VERSION + 1, never an edit;
within a version fields are only added, optional, so every reader ignores what it does not know.
"""

from datetime import datetime
from decimal import Decimal
from typing import Annotated, ClassVar
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from shared import limits
from shared.codes import Category, Channel, ClueStatus, Level, Outcome, Rank, Topic
from shared.events import topics


def _bounded(max_length: int) -> StringConstraints:
    return StringConstraints(max_length=max_length)


SubjectName = Annotated[str, _bounded(limits.SUBJECT_NAME_MAX)]
IdHash = Annotated[str, _bounded(limits.ID_HASH_MAX)]
Unit = Annotated[str, _bounded(limits.UNIT_MAX)]
Position = Annotated[str, _bounded(limits.POSITION_MAX)]
ReceiptNumber = Annotated[str, _bounded(limits.RECEIPT_NUMBER_MAX)]
AgencyName = Annotated[str, _bounded(limits.AGENCY_NAME_MAX)]
BodyName = Annotated[str, _bounded(limits.BODY_NAME_MAX)]
Summary = Annotated[str, _bounded(limits.SUMMARY_MAX)]
Region = Annotated[str, _bounded(limits.REGION_MAX)]
Rule = Annotated[str, _bounded(limits.RULE_MAX)]
Note = Annotated[str, _bounded(limits.NOTE_MAX)]
OutcomeSummary = Annotated[str, _bounded(limits.OUTCOME_SUMMARY_MAX)]


class Event(BaseModel):
    # Tolerant reader: a field added by a newer producer is ignored, never a reason to refuse.
    model_config = ConfigDict(frozen=True, extra="ignore")

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

    model_config = ConfigDict(frozen=True, extra="ignore")

    name: SubjectName
    id_number_hash: IdHash | None = None
    unit: Unit
    position: Position | None = None
    rank: Rank
    managing_level: Level
    party_member: bool
    same_level_committee_leader: bool = False


Subjects = Annotated[list[SubjectSnapshot], Field(max_length=limits.SUBJECTS_MAX)]


class ClueReceived(Event):
    TOPIC = topics.CLUE_RECEIVED

    receipt_number: ReceiptNumber
    agency_id: UUID
    agency_name: AgencyName
    received_at: datetime
    subjects: Subjects
    category: Category
    topics: Annotated[list[Topic], Field(max_length=limits.TOPICS_MAX)] = []
    channel: Channel
    summary: Summary
    region: Region
    amount: Decimal | None = Field(None, max_digits=18, decimal_places=2)


class ClueRouted(Event):
    TOPIC = topics.CLUE_ROUTED

    decision_id: UUID
    lead_body_id: UUID
    lead_body_name: BodyName | None = None
    co_body_ids: Annotated[list[UUID], Field(max_length=limits.BODIES_MAX)] = []
    rule: Rule
    reason: Note
    routed_at: datetime
    receipt_number: ReceiptNumber
    category: Category
    channel: Channel
    summary: Summary
    region: Region
    subjects: Subjects
    # Routing's decision sequence for the clue: 1 for the first decision, +1 per re-route or
    # handoff. Whoever acts on this decision reports status under the same stage.
    stage: int = Field(1, ge=1)


class ClueStatusChanged(Event):
    """A status report. Readers order reports by (stage, lifecycle rank of status, sequence),
    never by `occurred_at`, which is the producer's wall clock and only for display."""

    TOPIC = topics.CLUE_STATUS

    status: ClueStatus
    occurred_at: datetime
    body_id: UUID | None = None
    body_name: BodyName | None = None
    note: Note | None = None
    outcome: Outcome | None = None
    outcome_summary: OutcomeSummary | None = None
    # The routing stage this report belongs to (see ClueRouted.stage); absent means 1.
    stage: int | None = Field(None, ge=1)
    # The producer's own counter for this clue, increasing with each report it makes.
    sequence: int | None = Field(None, ge=0)


REGISTRY: dict[str, type[Event]] = {
    model.event_type(): model for model in (ClueReceived, ClueRouted, ClueStatusChanged)
}
