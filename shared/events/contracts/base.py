"""What every event contract is made of: the base model, bounded text types, the subject."""

from typing import Annotated, ClassVar
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from shared import limits
from shared.codes import Level, Rank


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
CreditCode = Annotated[str, StringConstraints(pattern=r"^[0-9A-HJ-NPQRTUWXY]{18}$")]
RuleId = Annotated[str, _bounded(limits.RULE_MAX)]
BodyIds = Annotated[list[UUID], Field(max_length=limits.BODIES_MAX)]
Stage = Annotated[int, Field(ge=1)]


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
    # The unit's unified social credit code (GB 32100), when the sender knows it: routing finds
    # the dispatched group stationed there and the projects registered on it.
    unit_credit_code: CreditCode | None = None


Subjects = Annotated[list[SubjectSnapshot], Field(max_length=limits.SUBJECTS_MAX)]
