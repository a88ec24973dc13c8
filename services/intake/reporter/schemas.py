"""HTTP models of unsealing a reporter (the reporter as referred is in referrals/schemas.py)."""

from datetime import datetime
from typing import Annotated
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from shared import limits
from shared.text import LongText


class UnsealIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        str_max_length=limits.TEXT_MAX,
        json_schema_extra={
            "examples": [{"reason": "经批准对举报人进行保护性回访，需核实联系方式"}]
        },
    )

    reason: Annotated[
        LongText, StringConstraints(min_length=limits.REASON_MIN, max_length=limits.REASON_MAX)
    ] = Field(description="why the reporter must be known; kept in the audit log")


class ReporterOut(BaseModel):
    anonymous: bool
    name: str | None = None
    id_number: str | None = None
    phone: str | None = None
    address: str | None = None


class UnsealedReporterOut(BaseModel):
    referral_id: UUID
    receipt_number: str
    reporter: ReporterOut | None = Field(description="null when the referral named no reporter")
    unsealed_by: str
    unsealed_at: datetime
