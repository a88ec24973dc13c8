"""What unsealing asks for, and what the audit record of one attempt says: plain data."""

from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from shared.auth import Principal


@dataclass(frozen=True, kw_only=True)
class UnsealReporter:
    referral_id: UUID
    staff: Principal
    reason: str


@dataclass
class Attempt:
    """What the audit record says about one call, filled in as the call is understood."""

    target: str
    actor: str = "anonymous"
    reason: str | None = None
    detail: dict[str, Any] = field(default_factory=dict)
