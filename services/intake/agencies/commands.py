"""What the admin API, the CLI and the demo seed ask of the registry: plain data.

`actor` is who acts, as the audit log names them (`staff:<user>`, `cli:<os user>`)."""

from dataclasses import dataclass
from uuid import UUID


@dataclass(frozen=True, kw_only=True)
class CreateAgency:
    actor: str
    credit_code: str
    name: str
    kind: str
    require_signature: bool = False


@dataclass(frozen=True, kw_only=True)
class SeedAgency:
    """An agency made once (no audit: deployment data), with a fresh key under `label`; the
    earlier keys under that label are revoked."""

    credit_code: str
    name: str
    kind: str
    agency_id: UUID | None = None
    label: str = ""


@dataclass(frozen=True, kw_only=True)
class SetActive:
    actor: str
    agency_id: UUID
    active: bool


@dataclass(frozen=True, kw_only=True)
class IssueKey:
    actor: str
    agency_id: UUID
    label: str = ""


@dataclass(frozen=True, kw_only=True)
class RotateKey:
    actor: str
    agency_id: UUID
    key_id: str
    grace_seconds: int = 0
    label: str | None = None


@dataclass(frozen=True, kw_only=True)
class RevokeKey:
    actor: str
    agency_id: UUID
    key_id: str


@dataclass(frozen=True, kw_only=True)
class SetSigning:
    actor: str
    agency_id: UUID
    required: bool


@dataclass(frozen=True, kw_only=True)
class RotateSigningSecret:
    actor: str
    agency_id: UUID
