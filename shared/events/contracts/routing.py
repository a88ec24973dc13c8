"""What routing publishes: its decisions (who handles a clue) and links between clues."""

from datetime import datetime
from enum import StrEnum
from typing import Annotated
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from shared import limits
from shared.codes import Category, Channel
from shared.events import topics
from shared.events.contracts.base import (
    BodyIds,
    BodyName,
    Event,
    Note,
    ReceiptNumber,
    Region,
    Rule,
    RuleId,
    Subjects,
    Summary,
)


class DecisionKind(StrEnum):
    """Why routing decided again about a clue (each decision is one stage)."""

    INITIAL = "initial"
    REROUTE = "reroute"  # the lead body returned it
    OVERRIDE = "override"  # a case-management officer changed a decision
    REVIEW = "review"  # a case-management officer placed a clue from the review queue
    HANDOFF = "handoff"  # 移送: the whole clue to another body
    SPLIT = "split"  # the part another body must handle, Reg Art 171(3)


class ClueRouted(Event):
    TOPIC = topics.CLUE_ROUTED

    decision_id: UUID
    lead_body_id: UUID
    lead_body_name: BodyName | None = None
    co_body_ids: BodyIds = Field(default_factory=list)
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
    kind: DecisionKind = DecisionKind.INITIAL
    rule_set_version: Rule | None = None
    rules: Annotated[list[RuleId], Field(max_length=limits.RULES_MAX)] = Field(default_factory=list)
    # For a handoff or split: the sender's assignment, its body, and the part transferred.
    handoff_of: UUID | None = None
    from_body_id: UUID | None = None
    part: Note | None = None
    assigned_down: bool = False
    real_name_report: bool = False


class LinkBasis(StrEnum):
    ID_HASH = "id_hash"  # the keyed hash of the subject's ID number
    NAME_UNIT = "name_unit"  # normalised name and unit, when no ID number is known


class RelatedClue(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    clue_id: UUID
    basis: LinkBasis
    concluded: bool = False


class ClueLinked(Event):
    """A new clue is about a subject of earlier clues (重复监督 avoided, shelved clues woken)."""

    TOPIC = topics.CLUE_LINKED

    related: Annotated[list[RelatedClue], Field(min_length=1, max_length=limits.RELATED_MAX)]
    repeat_of_concluded: bool = False
    linked_at: datetime
