"""HTTP models of the agency admin API. Secrets appear only in the responses that create them."""

from datetime import datetime
from typing import Annotated
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StringConstraints, field_validator

from services.intake.agencies.domain import MAX_GRACE_SECONDS, AgencyInfo, KeyInfo
from shared.codes import AgencyKind
from shared.credit_code import credit_code_valid
from shared.text import Line

# Names and labels are shown to people and stored as text: no control characters.
PlainText = Annotated[Line, StringConstraints(strip_whitespace=True)]


class AgencyIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "name": "江州市审计局",
                    "credit_code": "11365000MB0000009P",
                    "kind": "audit_bureau",
                    "require_signature": False,
                }
            ]
        },
    )

    name: Annotated[PlainText, StringConstraints(min_length=1, max_length=200)]
    credit_code: str = Field(description="统一社会信用代码, GB 32100, with its check character")
    kind: AgencyKind = Field(description="what kind of partner agency (DOMAIN.md)")
    # Strict: "yes" or 1 is not a yes to signing every request.
    require_signature: StrictBool = Field(
        False, description="requests must carry an HMAC signature; the secret is returned once"
    )

    @field_validator("credit_code")
    @classmethod
    def _check_character(cls, value: str) -> str:
        value = value.strip().upper()
        if not credit_code_valid(value):
            raise ValueError("not a valid unified social credit code (GB 32100 check character)")
        return value


class KeyIn(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"label": "prod"}]})

    label: Annotated[PlainText, StringConstraints(max_length=100)] = ""


class RotateKeyIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"grace_seconds": 3600}]}
    )

    grace_seconds: int = Field(
        0, ge=0, le=MAX_GRACE_SECONDS, description="how long the old key keeps working; 0: now"
    )
    label: Annotated[PlainText, StringConstraints(max_length=100)] | None = None


class SigningIn(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"required": True}]})

    required: bool


class KeyOut(BaseModel):
    key_id: str
    label: str
    created_at: datetime
    revoked_at: datetime | None = Field(
        description="when the key stopped (or, during a rotation's grace period, will stop)"
    )

    @classmethod
    def of(cls, key: KeyInfo) -> "KeyOut":
        return cls(
            key_id=key.key_id, label=key.label, created_at=key.created_at, revoked_at=key.revoked_at
        )


class AgencyOut(BaseModel):
    id: UUID
    credit_code: str
    name: str
    kind: str
    active: bool
    require_signature: bool
    created_at: datetime
    keys: list[KeyOut]

    @classmethod
    def of(cls, agency: AgencyInfo) -> "AgencyOut":
        return cls(
            id=agency.id,
            credit_code=agency.credit_code,
            name=agency.name,
            kind=agency.kind,
            active=agency.active,
            require_signature=agency.require_signature,
            created_at=agency.created_at,
            keys=[KeyOut.of(k) for k in agency.keys],
        )


class AgencyCreated(AgencyOut):
    signing_secret: str | None = Field(
        None, description="shown once, when require_signature was asked for"
    )


class IssuedKeyOut(BaseModel):
    agency_id: UUID
    key_id: str
    api_key: str = Field(description="shown once; only its hash is stored")


class RotatedKeyOut(IssuedKeyOut):
    old_key_id: str
    old_key_expires_at: datetime


class SigningOut(BaseModel):
    agency_id: UUID
    require_signature: bool
    signing_secret: str | None = Field(
        None, description="shown once, when a new secret was made; otherwise null"
    )
