"""Deadline use cases: the overdue check, recounting provisional clocks, loading calendar years."""

from collections.abc import Sequence
from datetime import datetime
from uuid import UUID

from services.casework.domain import Assignment
from services.casework.unit_of_work import CaseworkUnitOfWork
from shared.workdays import CalendarYear

BATCH = 200


async def check_overdue(uow: CaseworkUnitOfWork, *, now: datetime) -> list[Assignment]:
    """One batch: each clock or item that ran out is reported once (`assignment.overdue`) and
    escalated to the body's supervisors (the assignment shows in their `escalated` inbox)."""
    async with uow:
        await uow.lock_for_writing()
        due = await uow.assignments.alarms_due(now, limit=BATCH)
        reported = [a for a in due if a.check_overdue(now)]
        for a in reported:
            await uow.assignments.save(a)
        uow.track(*reported)
        await uow.commit()
    return reported


async def recompute_provisional(uow: CaseworkUnitOfWork, *, now: datetime) -> list[UUID]:
    """In the caller's transaction: every running provisional clock counted again on the
    calendar now loaded; those whose deadline moved or firmed say so in an event."""
    timekeeper = await uow.timekeeper()
    changed: list[UUID] = []
    after: UUID | None = None
    while batch := await uow.assignments.provisional(after=after, limit=BATCH):
        for a in batch:
            if a.recompute_clocks(timekeeper, now=now):
                await uow.assignments.save(a)
                uow.track(a)
                changed.append(a.id)
        after = batch[-1].id
    return changed


async def load_calendar_years(
    uow: CaseworkUnitOfWork, years: Sequence[CalendarYear], *, now: datetime
) -> tuple[list[int], list[UUID]]:
    """The years whose calendar changed, and the assignments recomputed with them, in one
    transaction: a deadline never shows a count of years that were not committed."""
    async with uow:
        await uow.lock_for_writing()
        changed = await uow.calendar.load(years, now=now)
        recomputed = await recompute_provisional(uow, now=now) if changed else []
        await uow.commit()
    return changed, recomputed


async def seed_calendar(uow: CaseworkUnitOfWork, *, now: datetime) -> list[int]:
    async with uow:
        await uow.lock_for_writing()
        changed = await uow.calendar.seed(now=now)
        if changed:
            await recompute_provisional(uow, now=now)
        await uow.commit()
    return changed
