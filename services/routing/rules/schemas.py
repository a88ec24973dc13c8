"""HTTP models of rule sets: versions, an upload's answer, and a dry run's changed decisions."""

from datetime import datetime
from typing import Annotated
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, model_validator

from services.routing.rules import DecisionChange, RoutingResult
from services.routing.rules.handlers import DryRunReport, Uploaded
from services.routing.rules.versions import StoredRuleSet
from shared.timestamps import Instant

RULES_EXAMPLE = """\
version: "2026.12.2"
entry: main
groups:
  main:
    rules:
      - id: jurisdiction
        lead: {resolver: commission_at_managing_level}
        reason: 第一被反映人系{level}管理干部，属地{region}：由{lead}主办
"""


class RuleSetOut(BaseModel):
    id: UUID
    version: str
    digest: str
    description: str | None
    uploaded_at: datetime
    uploaded_by: str
    activated_at: datetime | None
    active: bool
    source: str | None = Field(None, description="the YAML as uploaded (one version only)")

    @classmethod
    def of(cls, stored: StoredRuleSet, *, with_source: bool = False) -> "RuleSetOut":
        fields = {n: getattr(stored, n) for n in cls.model_fields if n != "source"}
        return cls(**fields, source=stored.source if with_source else None)


class RuleSetList(BaseModel):
    items: list[RuleSetOut]


class UploadOut(BaseModel):
    rule_set: RuleSetOut
    created: bool
    warnings: list[str] = Field(description="body codes or ids the registry does not know")

    @classmethod
    def of(cls, uploaded: Uploaded) -> "UploadOut":
        return cls(
            rule_set=RuleSetOut.of(uploaded.rule_set),
            created=uploaded.created,
            warnings=uploaded.warnings,
        )


class DryRunIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"last": 500}, {"since": "2026-11-01T00:00:00Z"}]},
    )

    last: Annotated[int, Field(ge=1, le=100_000)] = Field(
        500, description="how many of the latest clues (in the window, when one is given)"
    )
    since: Instant | None = None
    until: Instant | None = None
    include_reason_only: bool = Field(False, description="also changes of wording alone")

    @model_validator(mode="after")
    def _ordered(self) -> "DryRunIn":
        if self.since and self.until and self.until <= self.since:
            raise ValueError("until must be after since")
        return self


class DecisionSketch(BaseModel):
    outcome: str
    lead_body_id: UUID | None
    lead_body_name: str | None
    co_body_ids: list[UUID]
    rules: list[str]
    reason: str

    @classmethod
    def of(cls, result: RoutingResult) -> "DecisionSketch":
        return cls(
            outcome=result.outcome.value,
            lead_body_id=result.lead.id if result.lead else None,
            lead_body_name=result.lead.name if result.lead else None,
            co_body_ids=[b.id for b in result.co_bodies],
            rules=list(dict.fromkeys(h.rule for h in result.hits)),
            reason=result.reason,
        )


class ChangedDecision(BaseModel):
    clue_id: UUID
    receipt_number: str
    changed: list[str] = Field(description="outcome, lead, co_bodies, split, reason")
    old: DecisionSketch
    new: DecisionSketch

    @classmethod
    def of(cls, receipt_number: str, change: DecisionChange) -> "ChangedDecision":
        return cls(
            clue_id=change.clue_id,
            receipt_number=receipt_number,
            changed=list(change.changed),
            old=DecisionSketch.of(change.old),
            new=DecisionSketch.of(change.new),
        )


class DryRunOut(BaseModel):
    version: str
    against_version: str = Field(description="the version in force, replayed beside it")
    replayed: int
    changed: list[ChangedDecision]

    @classmethod
    def of(cls, report: DryRunReport) -> "DryRunOut":
        changed = [ChangedDecision.of(c.facts.receipt_number, ch) for c, ch in report.changes]
        return cls(
            version=report.version,
            against_version=report.against_version,
            replayed=report.replayed,
            changed=changed,
        )
