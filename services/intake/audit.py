"""Intake's audit trail: who did what to which record, when and why. Never a secret in it."""

from typing import Any

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession

from services.intake import orm
from shared.clock import utcnow


async def record(
    session: AsyncSession,
    *,
    actor: str,
    action: str,
    target: str,
    reason: str | None = None,
    detail: dict[str, Any] | None = None,
) -> None:
    """Written in the caller's transaction, so the action and its record stand or fall together."""
    await session.execute(
        insert(orm.audit_log).values(
            at=utcnow(),
            actor=actor,
            action=action,
            target=target,
            reason=reason,
            detail=detail or {},
        )
    )
