"""A stored rule set version: its text as uploaded, who uploaded it, whether it is in force."""

import hashlib
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID


def digest_of(source: str) -> str:
    return hashlib.sha256(source.encode()).hexdigest()


@dataclass(frozen=True)
class StoredRuleSet:
    id: UUID
    version: str
    digest: str
    source: str
    description: str | None
    uploaded_at: datetime
    uploaded_by: str
    activated_at: datetime | None = None  # when it was last made the active version
    active: bool = False
