"""HTTP models of the ledger: a clue's record, its decisions, the review queue, a hand decision."""

from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from services.routing.decisions.domain import RoutedClue
from services.routing.decisions.model import Decision, Transfer
from shared import limits
from shared.codes import Category, Channel, Level, Rank
from shared.events.contracts import DecisionKind
from shared.text import Text


class SubjectOut(BaseModel):
    """A subject as officers read it here; the hashed ID number stays in the database."""

    name: str
    unit: str
    position: str | None = None
    rank: Rank
    managing_level: Level
    party_member: bool
    same_level_committee_leader: bool = False
    unit_credit_code: str | None = None

    @classmethod
    def of(cls, snapshot: Any) -> "SubjectOut":
        return cls.model_validate({n: getattr(snapshot, n) for n in cls.model_fields})


class RuleHitOut(BaseModel):
    rule: str
    group: str
    effect: str
    note: str | None = None


class DecisionOut(BaseModel):
    id: UUID
    stage: int
    kind: DecisionKind
    outcome: str = Field(description="route, review, return or split")
    lead_body_id: UUID | None
    lead_body_name: str | None = None
    co_body_ids: list[UUID]
    rule_set_version: str | None = Field(description="None for an officer's decision")
    rules: list[RuleHitOut] = Field(description="every rule that matched, with its effect")
    reason: str = Field(description="the case-management office's reason")
    sender_reason: str = Field(description="what the referring agency may be told")
    decided_at: datetime
    decided_by: str | None = Field(description="the officer; None when the rules decided")
    part: str | None = None
    handoff_of: UUID | None = None
    from_body_id: UUID | None = None

    @classmethod
    def of(cls, d: Decision) -> "DecisionOut":
        hits = [
            RuleHitOut(rule=h.rule, group=h.group, effect=h.effect.value, note=h.note)
            for h in d.hits
        ]
        names = (n for n in cls.model_fields if n not in ("rules", "outcome", "co_body_ids"))
        fields = {n: getattr(d, n) for n in names}
        return cls(**fields, rules=hits, outcome=d.outcome.value, co_body_ids=list(d.co_body_ids))


class DecisionHistory(BaseModel):
    clue_id: UUID
    items: list[DecisionOut] = Field(description="every decision, stage by stage")


class TransferOut(BaseModel):
    handoff_id: UUID
    mode: str
    from_body_id: UUID
    target_body_id: UUID | None
    target_name: str | None
    status: str
    refusal: str | None
    to_body_id: UUID | None
    requested_at: datetime
    due_on: str
    provisional: bool
    acknowledged_at: datetime | None

    @classmethod
    def of(cls, t: Transfer) -> "TransferOut":
        h = t.handoff
        return cls(
            handoff_id=h.handoff_id, mode=h.mode.value, from_body_id=h.from_body_id,
            target_body_id=h.target_body_id, target_name=h.target_name, status=t.status.value,
            refusal=t.refusal, to_body_id=t.to_body_id, requested_at=h.requested_at,
            due_on=t.due.due_on.isoformat(), provisional=t.due.provisional,
            acknowledged_at=t.acknowledged_at,
        )  # fmt: skip


class ClueOut(BaseModel):
    clue_id: UUID
    receipt_number: str
    status: str
    stage: int
    received_at: datetime
    agency_id: UUID
    agency_name: str
    category: Category
    channel: Channel
    summary: str
    region: str
    subjects: list[SubjectOut]
    lead_body_id: UUID | None
    co_body_ids: list[UUID]
    excluded_body_ids: list[UUID] = Field(
        description="bodies the rules never give it to again: returned it, or handed it all off"
    )
    queued_at: datetime | None
    concluded_at: datetime | None
    current: DecisionOut | None
    transfers: list[TransferOut] = []

    @classmethod
    def of(cls, clue: RoutedClue, transfers: list[Transfer] | None = None) -> "ClueOut":
        f = clue.facts
        return cls(
            clue_id=f.clue_id, receipt_number=f.receipt_number,
            status=str(clue.status), stage=clue.stage, received_at=f.received_at,
            agency_id=f.agency_id, agency_name=f.agency_name, category=f.category,
            channel=f.channel, summary=f.summary, region=f.region,
            subjects=[SubjectOut.of(s) for s in f.subjects], lead_body_id=clue.lead_body_id,
            co_body_ids=list(clue.co_body_ids), excluded_body_ids=sorted(clue.excluded),
            queued_at=clue.queued_at, concluded_at=clue.concluded_at,
            current=DecisionOut.of(clue.current) if clue.current else None,
            transfers=[TransferOut.of(t) for t in transfers or []],
        )  # fmt: skip


class ReviewQueuePage(BaseModel):
    items: list[ClueOut]
    next_cursor: str | None = None


class DecideIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "lead_body_id": "90d203d2-09aa-51f1-ada7-7388e91c87e2",
                    "co_body_ids": [],
                    "reason": "被反映人实为市管干部，规则未覆盖该单位，改由市纪委监委办理",
                }
            ]
        },
    )

    lead_body_id: UUID
    co_body_ids: list[UUID] = Field(default_factory=list, max_length=limits.BODIES_MAX)
    reason: Annotated[
        Text, StringConstraints(min_length=limits.REASON_MIN, max_length=limits.REASON_MAX)
    ] = Field(description="mandatory: why the office decides so (audited)")
