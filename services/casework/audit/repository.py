"""Every query of the audit log: the head lock, appending links, reading them back, checks."""

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from services.casework.audit.chain import Entry, Link, Verification, link
from services.casework.orm import audit_checks, audit_head, audit_log
from services.casework.scope import Scope

HEAD_ID = 1


class AuditLog:
    def __init__(self, session: AsyncSession, scope: Scope) -> None:
        self._session = session
        self._scope = scope
        self._head: tuple[int, str] | None = None

    async def lock(self) -> None:
        """Taken first by every writing transaction (PostgreSQL: the head row's lock; SQLite
        writes one transaction at a time anyway), so links are added strictly in turn and no
        two transactions wait on each other's rows in opposite order."""
        if self._head is not None:
            return
        query = select(audit_head.c.seq, audit_head.c.hash).where(audit_head.c.id == HEAD_ID)
        row = (await self._session.execute(query.with_for_update())).one()
        self._head = (int(row.seq), str(row.hash))

    async def snapshot(self) -> None:
        """The rest of this transaction reads one consistent state of the chain: entries a
        writer adds meanwhile would otherwise look like links beyond the head."""
        if self._session.get_bind().dialect.name == "postgresql":
            await self._session.connection(execution_options={"isolation_level": "REPEATABLE READ"})

    async def append(self, entries: Sequence[Entry]) -> None:
        """Entries carry seq 0: each gets the next number and its link here."""
        if not entries:
            return
        if self._head is None:
            raise RuntimeError("the audit head is not locked: call lock() first")
        seq, last = self._head
        rows = []
        for entry in entries:
            seq += 1
            linked = link(replace(entry, seq=seq), last)
            last = linked.hash
            rows.append(_row(linked))
        await self._session.execute(insert(audit_log), rows)
        values = {"seq": seq, "hash": last}
        await self._session.execute(
            update(audit_head).where(audit_head.c.id == HEAD_ID).values(values)
        )
        self._head = (seq, last)

    async def of_assignment(self, assignment_id: UUID) -> list[Link]:
        query = self._scope.restrict(
            select(audit_log).where(audit_log.c.assignment_id == assignment_id),
            audit_log.c.body_id,
        ).order_by(audit_log.c.seq)
        return [_link(r._mapping) for r in (await self._session.execute(query)).all()]

    async def chunk(self, *, after_seq: int, limit: int) -> list[Link]:
        """The verifier's reading, in seq order, all bodies."""
        query = (
            select(audit_log)
            .where(audit_log.c.seq > after_seq)
            .order_by(audit_log.c.seq)
            .limit(limit)
        )
        return [_link(r._mapping) for r in (await self._session.execute(query)).all()]

    async def head(self) -> tuple[int, str]:
        query = select(audit_head.c.seq, audit_head.c.hash).where(audit_head.c.id == HEAD_ID)
        row = (await self._session.execute(query)).one()
        return int(row.seq), str(row.hash)

    async def record_check(self, result: Verification, *, at: datetime) -> None:
        await self._session.execute(
            insert(audit_checks).values(
                checked_at=at,
                entries=result.entries,
                ok=result.ok,
                broken_seq=result.broken_seq,
                reason=result.reason,
            )
        )

    async def last_check(self) -> Verification | None:
        query = select(audit_checks).order_by(audit_checks.c.id.desc()).limit(1)
        row = (await self._session.execute(query)).first()
        if row is None:
            return None
        m = row._mapping
        return Verification(int(m["entries"]), m["broken_seq"], m["reason"])


def _row(linked: Link) -> dict[str, Any]:
    e = linked.entry
    return {
        "seq": e.seq,
        "assignment_id": e.assignment_id,
        "body_id": e.body_id,
        "at": e.at,
        "actor": e.actor,
        "action": e.action,
        "before": e.before,
        "after": e.after,
        "details": e.details,
        "prev_hash": linked.prev_hash,
        "hash": linked.hash,
    }


def _link(m: Any) -> Link:
    entry = Entry(
        int(m["seq"]),
        m["assignment_id"],
        m["body_id"],
        m["at"],
        m["actor"],
        m["action"],
        dict(m["before"]),
        dict(m["after"]),
        dict(m["details"]),
    )
    return Link(entry, m["prev_hash"], m["hash"])
