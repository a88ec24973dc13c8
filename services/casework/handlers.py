"""Compatibility only: tests/intake/test_status_from_skewed_producer.py (intake's, issue 8)
still calls this shape. Casework itself goes through services/casework/consumer.py; delete this
module and `EventScope` once that test calls the consumer's subscription handler."""

from datetime import datetime

from services.casework.assignments.decisions import assign_routed_clue as assign
from services.casework.deadlines.calendar import CalendarCache
from services.casework.domain import Assignment, ClockPolicy, ClockRule, WorkingDays
from services.casework.unit_of_work import SOURCE, CaseworkUnitOfWork, EventScope
from shared.events.contracts import ClueRouted


async def assign_routed_clue(
    scope: EventScope, event: ClueRouted, *, sign_for_days: int, now: datetime
) -> list[Assignment]:
    """The clue.routed use case in the caller's transaction, as if routed at `now`."""
    calendar = CalendarCache(ClockPolicy(sign_for=ClockRule(WorkingDays(sign_for_days))))
    uow = CaseworkUnitOfWork.joined(scope.session, scope.outbox, source=SOURCE, calendar=calendar)
    return await assign(uow, event.model_copy(update={"routed_at": now}))
