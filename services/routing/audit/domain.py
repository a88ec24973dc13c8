"""An audit entry: who did what to which entity, when, with the details that matter."""

import getpass
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import UUID

SYSTEM = "system"


def staff_actor(user_id: str, body_id: UUID | None) -> str:
    return f"staff:{user_id}@{body_id}" if body_id else f"staff:{user_id}"


def cli_actor() -> str:
    """The operating-system account that ran the command line."""
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli:unknown"


@dataclass(frozen=True)
class AuditEntry:
    at: datetime
    actor: str
    action: str  # e.g. registry.body.added, rule_set.activated, decision.override
    entity: str  # body, zone, unit, project, rule_set, clue
    entity_key: str
    detail: dict[str, Any] = field(default_factory=dict)
    id: int | None = None
