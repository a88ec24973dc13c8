"""HTTP response models: the API's own shapes, never the ORM rows or the event contracts."""

from datetime import datetime
from typing import Any
from uuid import UUID

from pydantic import BaseModel, ConfigDict

from services.routing.domain import Body, RoutingDecision, RoutingStatus
from shared.codes import BodyKind, Category, Channel, Level, Rank


class BodyOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "90d203d2-09aa-51f1-ada7-7388e91c87e2",
                    "code": "jz-cdi",
                    "name": "江州市纪委监委",
                    "kind": "discipline_commission",
                    "level": "city",
                    "region": "365000",
                    "parent_id": "db9ba875-0d67-5969-a9cf-09d018b78f20",
                    "active": True,
                }
            ]
        }
    )

    id: UUID
    code: str
    name: str
    kind: BodyKind
    level: Level
    region: str
    parent_id: UUID | None
    active: bool

    @classmethod
    def of(cls, body: Body) -> "BodyOut":
        return cls(**{name: getattr(body, name) for name in cls.model_fields})


class BodyList(BaseModel):
    items: list[BodyOut]


class SubjectOut(BaseModel):
    """A subject as the review queue shows it; the hashed ID number stays in the database."""

    name: str
    unit: str
    position: str | None = None
    rank: Rank
    managing_level: Level
    party_member: bool
    same_level_committee_leader: bool = False

    @classmethod
    def of(cls, snapshot: dict[str, Any]) -> "SubjectOut":
        return cls.model_validate({k: v for k, v in snapshot.items() if k in cls.model_fields})


class DecisionOut(BaseModel):
    id: UUID
    clue_id: UUID
    receipt_number: str
    status: RoutingStatus
    lead_body_id: UUID | None
    co_body_ids: list[UUID]
    rule: str
    reason: str
    decided_at: datetime
    category: Category
    channel: Channel
    summary: str
    region: str
    agency_id: UUID
    agency_name: str
    subjects: list[SubjectOut]

    @classmethod
    def of(cls, decision: RoutingDecision) -> "DecisionOut":
        fields = {name: getattr(decision, name) for name in cls.model_fields}
        fields["co_body_ids"] = list(decision.co_body_ids)
        fields["subjects"] = [SubjectOut.of(s) for s in decision.subjects]
        return cls(**fields)


class ReviewQueuePage(BaseModel):
    items: list[DecisionOut]
    next_cursor: str | None = None
