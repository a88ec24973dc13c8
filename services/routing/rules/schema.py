"""The rule set document: pydantic models that validate it and publish its JSON Schema.

`python -m services.routing.rules > docs/routing-rules.schema.json`; a test keeps the committed
copy current.
"""

import json
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Generic, Self, TypeVar
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, model_validator

from services.routing.rules.context import AgencyKind
from shared.codes import Category, Channel, Level, Rank, Topic

E = TypeVar("E")

RuleId = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,63}$")]
GroupName = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,63}$")]
Text = Annotated[str, Field(min_length=1, max_length=500)]


class Resolver(StrEnum):
    """Named ways to find a body from the clue and the registry."""

    COMMISSION_AT_MANAGING_LEVEL = "commission_at_managing_level"
    COMMISSION_ONE_LEVEL_UP = "commission_one_level_up"
    DISPATCHED_GROUP_OF_UNIT = "dispatched_group_of_unit"
    COMMISSION_SENDING_UNIT_GROUP = "commission_sending_unit_group"
    TOWNSHIP_COMMISSION_OF_UNIT = "township_commission_of_unit"
    ZONE_COORDINATOR = "zone_coordinator"
    PROJECT_SUPERVISOR = "project_supervisor"
    AUDIT_BUREAU_OF_REGION = "audit_bureau_of_region"
    FINANCE_SUPERVISION_OF_REGION = "finance_supervision_of_region"
    INSPECTION_OFFICE_OF_REGION = "inspection_office_of_region"


class Unresolved(StrEnum):
    """What a rule does when a target finds no single active body."""

    SKIP = "skip"  # the rule does not apply; evaluation goes on with the next rule
    REVIEW = "review"  # the clue goes to manual review with the reason


class Mode(StrEnum):
    FIRST = "first"  # the first rule that applies ends the group
    ALL = "all"  # every rule that matches applies


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=False)


def _some_operator(model: BaseModel) -> None:
    if not model.model_fields_set:
        raise ValueError("give at least one operator")


class OneOf(_Strict, Generic[E]):
    eq: E | None = None
    in_: list[E] | None = Field(None, alias="in", min_length=1)
    not_in: list[E] | None = Field(None, min_length=1)

    @model_validator(mode="after")
    def _not_empty(self) -> Self:
        _some_operator(self)
        return self


class TagSet(_Strict):
    any: list[Topic] | None = Field(None, min_length=1, description="at least one of these")
    all: list[Topic] | None = Field(None, min_length=1, description="every one of these")
    none: list[Topic] | None = Field(None, min_length=1, description="none of these")

    @model_validator(mode="after")
    def _not_empty(self) -> Self:
        _some_operator(self)
        return self


class Amount(_Strict):
    gt: Decimal | None = None
    gte: Decimal | None = None
    lt: Decimal | None = None
    lte: Decimal | None = None
    present: bool | None = Field(None, description="whether the clue states an amount")

    @model_validator(mode="after")
    def _not_empty(self) -> Self:
        _some_operator(self)
        return self


class Count(_Strict):
    eq: int | None = Field(None, ge=0)
    gte: int | None = Field(None, ge=0)
    lte: int | None = Field(None, ge=0)

    @model_validator(mode="after")
    def _not_empty(self) -> Self:
        _some_operator(self)
        return self


class RegionTest(_Strict):
    prefix: list[Annotated[str, Field(pattern=r"^[0-9]{1,6}$")]] | None = Field(
        None, min_length=1, description="the clue's division code starts with one of these"
    )
    valid: bool | None = Field(None, description="a 6-digit GB/T 2260 division code")


class UnitTest(_Strict):
    credit_code: OneOf[str] | None = None
    name: OneOf[str] | None = Field(None, description="compared after normalising")
    registered: bool | None = Field(None, description="found, active, in the unit registry")
    has_dispatched_group: bool | None = None
    dispatched_group_level: OneOf[Level] | None = None
    leaders_level: OneOf[Level] | None = None


class SubjectTest(_Strict):
    all_: list["SubjectTest"] | None = Field(None, alias="all", min_length=1)
    any_: list["SubjectTest"] | None = Field(None, alias="any", min_length=1)
    not_: "SubjectTest | None" = Field(None, alias="not")
    managing_level: OneOf[Level] | None = None
    rank: OneOf[Rank] | None = None
    party_member: bool | None = None
    same_level_committee_leader: bool | None = None
    public_official: bool | None = Field(
        None, description="a party member, of a rank, or staff of a registered unit (监察对象)"
    )
    unit: UnitTest | None = None


class Condition(_Strict):
    """Every key given must hold; `any`/`all`/`not` combine conditions."""

    all_: list["Condition"] | None = Field(None, alias="all", min_length=1)
    any_: list["Condition"] | None = Field(None, alias="any", min_length=1)
    not_: "Condition | None" = Field(None, alias="not")
    subject: SubjectTest | None = Field(None, description="the first (remaining) subject")
    any_subject: SubjectTest | None = None
    all_subjects: SubjectTest | None = Field(None, description="false when there are none")
    subject_count: Count | None = None
    region: RegionTest | None = None
    category: OneOf[Category] | None = None
    topics: TagSet | None = None
    amount: Amount | None = None
    channel: OneOf[Channel] | None = None
    agency_kind: OneOf[AgencyKind] | None = None


class Target(_Strict):
    """Exactly one of: a resolver, a body code, a body id."""

    resolver: Resolver | None = None
    code: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]{0,63}$")] | None = None
    id: UUID | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> Self:
        if len(self.model_fields_set) != 1:
            raise ValueError("give exactly one of resolver, code, id")
        return self


class ReturnToSender(_Strict):
    reason: Text = Field(description="the office's reason (Reg Art 171(4))")
    sender_reason: Text = Field(description="what the sender reads: no rule names, no codes")


class Split(_Strict):
    keep: SubjectTest = Field(description="subjects within jurisdiction; the rest go back")
    reason: Text
    sender_reason: Text


class Rule(_Strict):
    id: RuleId
    description: str | None = None
    when: Condition | None = Field(None, description="absent: every clue")
    lead: Target | None = None
    co_bodies: list[Target] | None = Field(None, min_length=1)
    unresolved: Unresolved = Unresolved.REVIEW
    fallback: GroupName | None = Field(None, description="group to try when a target fails")
    basis: Text | None = Field(None, description="the rule's ground, quoted when it cannot apply")
    reason: Text | None = Field(None, description="the office's words when the rule applies")
    review: Text | None = Field(None, description="send to manual review with this reason")
    return_: ReturnToSender | None = Field(None, alias="return")
    split: Split | None = None
    then: GroupName | None = Field(None, description="group evaluated after this rule applies")


class Group(_Strict):
    mode: Mode = Mode.FIRST
    description: str | None = None
    rules: list[Rule] = Field(min_length=1)


class SenderReasons(_Strict):
    route: Text = "线索已受理，已按管辖分办至{lead}"
    review: Text = "线索已受理，正在审核分办"


class RuleSetDocument(_Strict):
    version: Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]
    description: str | None = None
    entry: GroupName = "main"
    sender_reasons: SenderReasons = SenderReasons()
    groups: dict[GroupName, Group] = Field(min_length=1)


SCHEMA_ID = "urn:guantong:schema:routing-rules"


def render() -> str:
    schema = RuleSetDocument.model_json_schema(by_alias=True)
    schema = {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": SCHEMA_ID, **schema}
    return json.dumps(schema, ensure_ascii=False, indent=2) + "\n"
