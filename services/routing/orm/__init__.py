"""Routing's tables; migrations/routing/versions must create exactly these."""

from services.routing.orm.base import (
    calendar_years,
    heartbeats,
    inbox,
    metadata,
    outbox,
    revoked_tokens,
    routing_audit,
)
from services.routing.orm.decisions import (
    clue_returns,
    clues,
    routing_decisions,
    subject_keys,
    transfers,
)
from services.routing.orm.reconciliation import (
    reconciliation_discrepancies,
    reconciliation_runs,
)
from services.routing.orm.registry import (
    bodies,
    projects,
    routing_state,
    rule_sets,
    units,
    zones,
)

__all__ = [
    "bodies",
    "calendar_years",
    "clue_returns",
    "clues",
    "heartbeats",
    "inbox",
    "metadata",
    "outbox",
    "projects",
    "reconciliation_discrepancies",
    "reconciliation_runs",
    "revoked_tokens",
    "routing_audit",
    "routing_decisions",
    "routing_state",
    "rule_sets",
    "subject_keys",
    "transfers",
    "units",
    "zones",
]
