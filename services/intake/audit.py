"""Intake's audit trail: who did what to which record, when and why. Never a secret in it."""

from typing import Any

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession

from services.intake import orm
from shared.clock import utcnow


class AuditRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def record(
        self,
        *,
        actor: str,
        action: str,
        target: str,
        reason: str | None = None,
        detail: dict[str, Any] | None = None,
    ) -> None:
        """In the caller's transaction, so the action and its record stand or fall together."""
        await self.session.execute(
            insert(orm.audit_log).values(
                at=utcnow(),
                actor=actor,
                action=action,
                target=target,
                reason=reason,
                detail=detail or {},
            )
        )
