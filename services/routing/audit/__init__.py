"""The routing audit: every change to the registry, the rules and the decisions, append-only."""

from services.routing.audit.domain import AuditEntry, cli_actor, staff_actor

__all__ = ["AuditEntry", "cli_actor", "staff_actor"]
