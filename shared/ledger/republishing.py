"""The re-publish use case every ledger runs in its own transaction: which rows, which mode,
what came of each request. The service decides what it allows and writes its own audit."""

from collections.abc import Awaitable, Callable, Mapping

from sqlalchemy import Table
from sqlalchemy.ext.asyncio import AsyncSession

from shared.ledger.schemas import RepublishItem, RepublishMode, RepublishResult
from shared.outbox import republish as outbox

# A service's own veto of one request (e.g. a decision that is no longer the clue's latest).
Check = Callable[[AsyncSession, RepublishItem], Awaitable[str | None]]


async def republish_items(
    session: AsyncSession,
    table: Table,
    items: list[RepublishItem],
    *,
    allowed: Mapping[str, frozenset[RepublishMode]],
    check: Check | None = None,
) -> list[RepublishResult]:
    results = []
    for item in items:
        results.append(await _one(session, table, item, allowed, check))
    return results


async def _one(
    session: AsyncSession,
    table: Table,
    item: RepublishItem,
    allowed: Mapping[str, frozenset[RepublishMode]],
    check: Check | None,
) -> RepublishResult:
    def result(
        outcome: str, reason: str | None = None, ids: list[str] | None = None
    ) -> RepublishResult:
        return RepublishResult(
            clue_id=item.clue_id, topic=item.topic, outcome=outcome,  # type: ignore[arg-type]
            event_ids=ids or [], reason=reason,
        )  # fmt: skip

    if item.mode not in allowed.get(item.topic, frozenset()):
        return result("refused", f"{item.mode} is not offered for {item.topic}")
    if check is not None and (why := await check(session, item)) is not None:
        return result("refused", why)
    rows = await outbox.rows_about(session, table, clue_ids=[item.clue_id], topics=[item.topic])
    rows = [
        r for r in rows
        if outbox.matches(r, item.match) and (item.event_id is None or r.event_id == item.event_id)
    ]  # fmt: skip
    if not rows:
        return result("not_found", "no retained outbox row: never staged, or past retention")
    if item.mode == "reissue":
        return result("reissued", ids=await outbox.reissue(session, table, rows))
    aside = [r.event_id for r in rows if r.set_aside_at is not None]
    if aside:
        return result("set_aside", "set aside after failing: `outbox release` it", aside)
    await outbox.republish(session, table, [r.id for r in rows])
    return result("republished", ids=[r.event_id for r in rows])
