"""HTTP models of intake: what agencies send and what they read back."""

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Self
from uuid import UUID

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SerializerFunctionWrapHandler,
    StrictBool,
    StringConstraints,
    field_validator,
    model_serializer,
    model_validator,
)

from services.intake.attachments.domain import DeclaredAttachment
from services.intake.referrals.domain import Period as PeriodValue
from services.intake.referrals.domain import ReferralDraft, Reporter, Subject
from services.intake.referrals.identifiers import id_number_valid, normalize_name, safe_file_name
from shared import limits
from shared.codes import Category, Channel, ClueStatus, Level, Outcome, Rank, Topic
from shared.credit_code import credit_code_valid
from shared.text import Line, LongText, Text
from shared.timestamps import Day

# First two digits of GB/T 2260 codes: provinces, autonomous regions, municipalities, SARs.
_PROVINCES = "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 61 62"
PROVINCE_PREFIXES = frozenset(f"{_PROVINCES} 63 64 65 71 81 82".split())
EXAMPLE_SHA256 = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_max_length=limits.TEXT_MAX)


class SubjectIn(Strict):
    name: Annotated[Text, StringConstraints(max_length=limits.SUBJECT_NAME_MAX)]
    id_number: Line | None = Field(None, description="GB 11643 resident ID; stored hashed")
    unit: Annotated[Text, StringConstraints(max_length=limits.UNIT_MAX)]
    position: Annotated[Line, StringConstraints(max_length=limits.POSITION_MAX)] | None = None
    rank: Rank
    managing_level: Level
    party_member: bool
    same_level_committee_leader: bool = False
    unit_credit_code: str | None = Field(
        None, description="统一社会信用代码 of the unit (GB 32100), when known: routing uses it"
    )

    @field_validator("name")
    @classmethod
    def _nfkc(cls, value: str) -> str:
        return normalize_name(value)

    @field_validator("id_number")
    @classmethod
    def _check_digit(cls, value: str | None) -> str | None:
        if value is not None and not id_number_valid(value.upper()):
            raise ValueError("not a valid resident ID number (GB 11643 check digit or date)")
        return value.upper() if value else None

    @field_validator("unit_credit_code")
    @classmethod
    def _credit_code(cls, value: str | None) -> str | None:
        if value is None:
            return None
        value = value.strip().upper()
        if not credit_code_valid(value):
            raise ValueError("not a valid unified social credit code (GB 32100 check character)")
        return value

    @model_serializer(mode="wrap")
    def _as_before_without_code(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        # Idempotency fingerprints the dumped body: a subject without the code dumps exactly as
        # before the field existed, so a retry of an earlier request still replays.
        data: dict[str, Any] = handler(self)
        if data.get("unit_credit_code") is None:
            data.pop("unit_credit_code", None)
        return data

    def value(self) -> Subject:
        return Subject(
            name=self.name,
            unit=self.unit,
            rank=self.rank,
            managing_level=self.managing_level,
            party_member=self.party_member,
            id_number=self.id_number,
            position=self.position,
            same_level_committee_leader=self.same_level_committee_leader,
            unit_credit_code=self.unit_credit_code,
        )


class Period(Strict):
    start: Day
    end: Day

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.end < self.start:
            raise ValueError("end is before start")
        return self


class AttachmentIn(Strict):
    name: Annotated[str, StringConstraints(max_length=limits.ATTACHMENT_NAME_MAX)] = Field(
        description="a file name: folders, control and bidi characters are dropped"
    )
    media_type: Annotated[
        str, StringConstraints(pattern=r"^[\w.+-]+/[\w.+-]+$", max_length=limits.MEDIA_TYPE_MAX)
    ]
    size: int = Field(ge=0, le=limits.ATTACHMENT_SIZE_MAX)
    sha256: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]

    @field_validator("name")
    @classmethod
    def _file_name(cls, value: str) -> str:
        name = safe_file_name(value)
        if not name:
            raise ValueError("is not a file name")
        return name

    def value(self) -> DeclaredAttachment:
        return DeclaredAttachment(self.name, self.media_type, self.size, self.sha256)


class ReporterIn(Strict):
    anonymous: StrictBool
    name: Annotated[Line, StringConstraints(max_length=limits.PERSON_NAME_MAX)] | None = None
    id_number: Line | None = None
    phone: Annotated[str, StringConstraints(pattern=r"^[0-9+\- ]{5,20}$")] | None = None
    address: Annotated[Line, StringConstraints(max_length=limits.ADDRESS_MAX)] | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.anonymous and (self.name or self.id_number):
            raise ValueError("an anonymous reporter carries no name or ID number")
        if not self.anonymous and not self.name:
            raise ValueError("a real-name reporter needs a name")
        if self.id_number and not id_number_valid(self.id_number.upper()):
            raise ValueError("reporter id_number is not a valid resident ID number")
        return self

    def value(self) -> Reporter:
        return Reporter(self.anonymous, self.name, self.id_number, self.phone, self.address)


class ReferralIn(Strict):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "subjects": [
                        {
                            "name": "张某",
                            "id_number": "11010519491231002X",
                            "unit": "江州市住房和城乡建设局",
                            "position": "副局长",
                            "rank": "county_division",
                            "managing_level": "city",
                            "party_member": True,
                        }
                    ],
                    "category": "integrity",
                    "topics": ["tendering"],
                    "channel": "audit",
                    "summary": "某安置房项目招投标中涉嫌收受投标人好处",
                    "facts": "审计发现2024年该项目评标过程中……",
                    "amount": "1200000.00",
                    "period": {"start": "2024-01-01", "end": "2024-12-31"},
                    "region": "365000",
                    "attachments": [
                        {
                            "name": "审计发现问题清单.pdf",
                            "media_type": "application/pdf",
                            "size": 482133,
                            "sha256": EXAMPLE_SHA256,
                        }
                    ],
                    "reporter": {"anonymous": False, "name": "李某", "phone": "13800000000"},
                }
            ]
        },
    )

    subjects: list[SubjectIn] = Field(min_length=1, max_length=limits.SUBJECTS_MAX)
    category: Category
    topics: list[Topic] = Field(default_factory=list, max_length=limits.TOPICS_MAX)
    channel: Channel
    summary: Annotated[LongText, StringConstraints(max_length=limits.SUMMARY_MAX)]
    facts: Annotated[LongText, StringConstraints(max_length=limits.FACTS_MAX)]
    amount: Decimal | None = Field(None, ge=0, max_digits=18, decimal_places=2)
    period: Period | None = None
    region: Annotated[str, StringConstraints(pattern=r"^\d{6}$")]
    attachments: list[AttachmentIn] = Field(default_factory=list, max_length=limits.ATTACHMENTS_MAX)
    reporter: ReporterIn | None = None

    @field_validator("region")
    @classmethod
    def _division_code(cls, value: str) -> str:
        if value[:2] not in PROVINCE_PREFIXES:
            raise ValueError("not a GB/T 2260 administrative division code")
        return value

    @field_validator("topics")
    @classmethod
    def _unique(cls, value: list[Topic]) -> list[Topic]:
        if len(set(value)) != len(value):
            raise ValueError("topics repeat")
        return value

    def draft(self) -> ReferralDraft:
        """The command's content: the same data, free of the HTTP model."""
        return ReferralDraft(
            subjects=tuple(s.value() for s in self.subjects),
            category=self.category,
            channel=self.channel,
            summary=self.summary,
            facts=self.facts,
            region=self.region,
            topics=tuple(self.topics),
            amount=self.amount,
            period=PeriodValue(self.period.start, self.period.end) if self.period else None,
            attachments=tuple(a.value() for a in self.attachments),
            reporter=self.reporter.value() if self.reporter else None,
        )


class BodyOut(BaseModel):
    id: UUID
    name: str | None


class SubjectOut(BaseModel):
    name: str
    id_number: str | None = Field(None, description="masked")
    unit: str
    position: str | None
    rank: Rank
    managing_level: Level
    unit_credit_code: str | None = None


class TimelineEntry(BaseModel):
    status: ClueStatus
    status_display: str = Field(description="the status in the domain's own words (Chinese)")
    occurred_at: datetime
    body: BodyOut | None = None
    note: str = Field(description="intake's explanation of the status (Chinese)")


class AttachmentOut(BaseModel):
    index: int
    name: str
    media_type: str
    size: int
    sha256: str
    content_uploaded: bool = Field(description="whether the content was uploaded and verified")


class ReferralSummary(BaseModel):
    id: UUID
    receipt_number: str
    status: ClueStatus
    status_display: str = Field(description="the status in the domain's own words (Chinese)")
    status_at: datetime
    received_at: datetime
    handling_body: BodyOut | None
    category: Category
    channel: Channel
    summary: str
    outcome: Outcome | None = None
    outcome_display: str | None = None
    outcome_summary: str | None = Field(None, description="what the handling body released")


class ReferralOut(ReferralSummary):
    topics: list[Topic]
    region: str
    subjects: list[SubjectOut]
    attachments: list[AttachmentOut]
    timeline: list[TimelineEntry]


class ReferralPage(BaseModel):
    items: list[ReferralSummary]
    next_cursor: str | None = Field(
        description="pass as `cursor` for the next page; null at the end"
    )
