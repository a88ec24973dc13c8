"""Loading and saving whole assignments, within the caller's scope.

A loaded assignment starts with no timeline and no notes: what the aggregate holds of either at
`save` is new, and goes to the audit chain and the notes table. Saving checks the version read,
so a change made meanwhile is never overwritten.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from sqlalchemy import Select, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from services.casework.assignments.columns import ENDS_THE_MATTER, month_of
from services.casework.assignments.records import from_row, to_row
from services.casework.audit.chain import Entry
from services.casework.audit.repository import AuditLog
from services.casework.domain import (
    Assignment,
    AssignmentState,
    Note,
    NoteVisibility,
    StaleVersion,
    TimelineEntry,
)
from services.casework.orm import assignments, notes
from services.casework.scope import Scope
from shared.db import insert_ignoring_duplicates

t = assignments.c


@dataclass
class _Persisted:
    version: int
    timeline: int = 0
    notes: set[UUID] = field(default_factory=set)


class AssignmentRepository:
    def __init__(self, session: AsyncSession, *, scope: Scope, audit: AuditLog) -> None:
        self._session = session
        self._scope = scope
        self._audit = audit
        self._persisted: dict[UUID, _Persisted] = {}

    async def get(self, assignment_id: UUID) -> Assignment | None:
        found = await self._load(self._select().where(t.id == assignment_id))
        return found[0] if found else None

    async def for_clue(self, clue_id: UUID) -> list[Assignment]:
        return await self._load(self._select().where(t.clue_id == clue_id).order_by(t.assigned_at))

    async def shelved_of_clues(self, clue_ids: Sequence[UUID]) -> list[Assignment]:
        shelved = t.state == AssignmentState.SHELVED.value
        return await self._load(self._select().where(t.clue_id.in_(clue_ids), shelved))

    async def alarms_due(self, now: Any, *, limit: int) -> list[Assignment]:
        query = self._select().where(t.alarm_at <= now).order_by(t.alarm_at, t.id).limit(limit)
        return await self._load(query)

    async def provisional(self, *, after: UUID | None, limit: int) -> list[Assignment]:
        query = self._select().where(t.provisional)
        if after is not None:
            query = query.where(t.id > after)
        return await self._load(query.order_by(t.id).limit(limit))

    async def add(self, a: Assignment) -> bool:
        """False when this (decision, body) already has its assignment: nothing is written."""
        if not self._scope.covers(a.body_id):
            raise PermissionError("an assignment outside the scope cannot be added")
        if not await insert_ignoring_duplicates(self._session, assignments, to_row(a)):
            return False
        self._persisted[a.id] = _Persisted(version=0)
        await self._write_history(a)
        return True

    async def save(self, a: Assignment) -> None:
        persisted = self._persisted[a.id]
        values = to_row(a)
        ended = self._ended_at(a, persisted)
        if ended is not None:
            values["concluded_month"] = month_of(ended)
        query = self._scope.restrict(
            update(assignments).where(t.id == a.id, t.version == persisted.version),
            t.body_id,
        ).values(values)
        result: Any = await self._session.execute(query)
        if result.rowcount != 1:
            raise StaleVersion(persisted.version, a.version)
        await self._write_history(a)

    async def notes_visible_with(self, a: Assignment) -> list[Note]:
        """For the body of `a` (read through the scope): its own notes, and the shared notes of
        the other bodies working under the same decision, never their internal ones."""
        query = (
            select(notes)
            .join(assignments, t.id == notes.c.assignment_id)
            .where(t.clue_id == a.clue_id, t.decision_id == a.decision_id)
            .where(
                or_(
                    notes.c.assignment_id == a.id,
                    notes.c.visibility == NoteVisibility.SHARED.value,
                )
            )
            .order_by(notes.c.at, notes.c.id)
        )
        return [_note(r._mapping) for r in (await self._session.execute(query)).all()]

    def _select(self) -> Select[Any]:
        return self._scope.restrict(select(assignments), t.body_id)

    async def _load(self, query: Select[Any]) -> list[Assignment]:
        found = [from_row(r._mapping) for r in (await self._session.execute(query)).all()]
        for a in found:
            self._persisted[a.id] = _Persisted(version=a.version)
        return found

    def _ended_at(self, a: Assignment, persisted: _Persisted) -> Any:
        for entry in a.timeline[persisted.timeline :]:
            if entry.after in ENDS_THE_MATTER and entry.before not in ENDS_THE_MATTER:
                return entry.at
        return None

    async def _write_history(self, a: Assignment) -> None:
        persisted = self._persisted[a.id]
        new = a.timeline[persisted.timeline :]
        if a.version != persisted.version + len(new):
            raise RuntimeError(f"assignment {a.id}: version and timeline disagree")
        entries = [_entry(a, e, persisted.version + i) for i, e in enumerate(new)]
        await self._audit.append(entries)
        fresh = [n for n in a.notes if n.id not in persisted.notes]
        if fresh:
            await self._session.execute(notes.insert(), [_note_row(a, n) for n in fresh])
        persisted.version, persisted.timeline = a.version, len(a.timeline)
        persisted.notes |= {n.id for n in fresh}


def _entry(a: Assignment, e: TimelineEntry, version_before: int) -> Entry:
    before = {"state": e.before or None, "version": version_before}
    after = {"state": e.after, "version": version_before + 1}
    return Entry(0, a.id, a.body_id, e.at, e.actor, e.action, before, after, dict(e.details))


def _note_row(a: Assignment, n: Note) -> dict[str, Any]:
    return {
        "id": n.id,
        "assignment_id": a.id,
        "clue_id": a.clue_id,
        "body_id": n.body_id,
        "author": n.author,
        "at": n.at,
        "text": n.text,
        "visibility": n.visibility.value,
    }


def _note(m: Any) -> Note:
    visibility = NoteVisibility(m["visibility"])
    return Note(m["id"], m["body_id"], m["author"], m["at"], m["text"], visibility)
