"""The working-day calendar a process counts with: the years loaded in casework's database
over the years shipped in the repository, read again only when the stored years change."""

from dataclasses import dataclass, field

from services.casework.deadlines.repository import CalendarStore, Fingerprint
from services.casework.domain import ClockPolicy, Timekeeper
from shared.workdays import WorkingCalendar, shipped_calendar


@dataclass
class CalendarCache:
    policy: ClockPolicy = field(default_factory=ClockPolicy)
    _fingerprint: Fingerprint | None = None
    _timekeeper: Timekeeper | None = None

    async def timekeeper(self, store: CalendarStore) -> Timekeeper:
        """In the caller's transaction, so a year loaded in it counts at once."""
        current = await store.fingerprint()
        if self._timekeeper is None or current != self._fingerprint:
            calendar = _over_shipped(await store.calendar())
            self._timekeeper = Timekeeper(calendar, self.policy)
            self._fingerprint = current
        return self._timekeeper

    @property
    def fingerprint(self) -> Fingerprint | None:
        return self._fingerprint


def _over_shipped(stored: WorkingCalendar) -> WorkingCalendar:
    # A database nobody seeded still counts the shipped years; a year loaded there wins.
    years = [y for y in (stored.year(n) for n in sorted(stored.loaded_years)) if y is not None]
    return shipped_calendar().with_years(years)
