"""HTTP response models; never the ORM rows, never the event contracts."""

from datetime import datetime
from uuid import UUID

from pydantic import BaseModel, ConfigDict

from services.casework.domain import Assignment, AssignmentState, Role
from shared.codes import Category, Channel, Level, Rank


class SubjectView(BaseModel):
    """A subject as a caseworker sees it here; the ID-number hash stays with routing."""

    name: str
    unit: str
    position: str | None = None
    rank: Rank
    managing_level: Level
    party_member: bool
    same_level_committee_leader: bool = False

    model_config = ConfigDict(extra="ignore")


class AssignmentView(BaseModel):
    id: UUID
    clue_id: UUID
    body_id: UUID
    role: Role
    state: AssignmentState
    receipt_number: str
    category: Category
    channel: Channel
    summary: str
    region: str
    subjects: list[SubjectView]
    decision_id: UUID
    assigned_at: datetime
    sign_for_due_at: datetime
    sign_for_due_provisional: bool

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "0b6f8a52-3f0e-4c43-a1de-6f6a4f0c9d21",
                    "clue_id": "6a1e2f0c-52d4-4a4b-9b43-2a6f3d1c7e55",
                    "body_id": "3c9d6b1e-8f2a-4e7d-b5c1-0a9e8d7f6c54",
                    "role": "lead",
                    "state": "assigned",
                    "receipt_number": "GT-20250101-000123",
                    "category": "integrity",
                    "channel": "audit",
                    "summary": "专项资金使用异常",
                    "region": "110105",
                    "subjects": [
                        {
                            "name": "张三",
                            "unit": "某区财政局",
                            "position": "副局长",
                            "rank": "county_division",
                            "managing_level": "county",
                            "party_member": True,
                            "same_level_committee_leader": False,
                        }
                    ],
                    "decision_id": "9e2c4b7a-1d3f-4c8e-a6b5-7f0d2e1c3b49",
                    "assigned_at": "2025-01-01T08:00:00Z",
                    "sign_for_due_at": "2025-01-04T08:00:00Z",
                    "sign_for_due_provisional": True,
                }
            ]
        }
    )

    @classmethod
    def of(cls, a: Assignment) -> "AssignmentView":
        return cls(
            id=a.id,
            clue_id=a.clue_id,
            body_id=a.body_id,
            role=a.role,
            state=a.state,
            receipt_number=a.facts.receipt_number,
            category=Category(a.facts.category),
            channel=Channel(a.facts.channel),
            summary=a.facts.summary,
            region=a.facts.region,
            subjects=[SubjectView.model_validate(s) for s in a.facts.subjects],
            decision_id=a.decision_id,
            assigned_at=a.assigned_at,
            sign_for_due_at=a.sign_for.due_at,
            sign_for_due_provisional=a.sign_for.provisional,
        )


class AssignmentPage(BaseModel):
    items: list[AssignmentView]
    next_cursor: str | None = None

    @classmethod
    def of(cls, items: list[Assignment], next_cursor: str | None) -> "AssignmentPage":
        return cls(items=[AssignmentView.of(a) for a in items], next_cursor=next_cursor)
