"""Working days of the official Chinese calendar, and deadlines counted in them.

Conventions (the same as the Civil Code's rules on periods, 民法典 Arts 201-203):
- A day is a calendar day in China Standard Time. The day a clock starts is not counted.
- `add_working_days(start, n)`: the deadline is the n-th working day after the start's day.
- `add_months(start, n)`: the deadline is the day of the same number n months later (the last
  day of that month when it has no such day: 1 month from 31 January is 28/29 February); when
  that day is not a working day, the next working day.
- A deadline runs out at the end of its last day (`due_at` is the midnight that ends `due_on`).
- A year that is not loaded counts weekends only; a deadline whose count looked at such a year
  is provisional, and names the years it looked at so it can be recomputed when one is loaded.
"""

import calendar as gregorian
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

from shared.workdays.years import CalendarYear

# China Standard Time has been UTC+8 all year since 1991, so this fixed offset equals
# Asia/Shanghai for every year a calendar can hold, without needing a time-zone database.
CHINA = timezone(timedelta(hours=8), "Asia/Shanghai")
ONE_DAY = timedelta(days=1)


def china_day(instant: datetime) -> date:
    """The calendar day an instant falls on in China."""
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError("a naive datetime has no day in China: give an aware one")
    return instant.astimezone(CHINA).date()


def start_of(day: date) -> datetime:
    return datetime.combine(day, time(), CHINA)


def end_of(day: date) -> datetime:
    return start_of(day + ONE_DAY)


@dataclass(frozen=True)
class Deadline:
    due_on: date
    due_at: datetime
    provisional: bool
    # Every year whose calendar the count looked at, ascending.
    depends_on: tuple[int, ...]

    def is_overdue(self, now: datetime) -> bool:
        return now >= self.due_at

    def merged(self, later: "Deadline") -> "Deadline":
        """`later`, counted on from this one: provisional if either was."""
        years = tuple(sorted(set(self.depends_on) | set(later.depends_on)))
        provisional = self.provisional or later.provisional
        return Deadline(later.due_on, later.due_at, provisional, years)


class WorkingCalendar:
    def __init__(self, years: Iterable[CalendarYear] = ()) -> None:
        self._years = {y.year: y for y in years}

    @property
    def loaded_years(self) -> frozenset[int]:
        return frozenset(self._years)

    def year(self, year: int) -> CalendarYear | None:
        return self._years.get(year)

    def with_years(self, years: Iterable[CalendarYear]) -> "WorkingCalendar":
        """A new calendar with these years added or replaced; this one is unchanged."""
        return WorkingCalendar([*self._years.values(), *years])

    def is_working_day(self, day: date) -> bool:
        loaded = self._years.get(day.year)
        if loaded is not None:
            if day in loaded.makeup_workdays:
                return True
            if day in loaded.holidays:
                return False
        return day.weekday() < 5

    def working_day_on_or_after(self, day: date) -> date:
        while not self.is_working_day(day):
            day += ONE_DAY
        return day

    def add_working_days(self, start: datetime, n: int) -> Deadline:
        """n = 0 is the end of the start's own day (a clock with nothing left)."""
        if n < 0:
            raise ValueError(f"a clock cannot run {n} working days")
        first = china_day(start)
        day, counted = first, 0
        while counted < n:
            day += ONE_DAY
            counted += self.is_working_day(day)
        looked_at = range((first + ONE_DAY).year, day.year + 1) if n else range(0)
        return self._deadline(day, looked_at)

    def add_months(self, start: datetime, n: int) -> Deadline:
        if n < 1:
            raise ValueError(f"a clock cannot run {n} months")
        target = _same_day_months_later(china_day(start), n)
        due = self.working_day_on_or_after(target)
        return self._deadline(due, range(target.year, due.year + 1))

    def working_days_between(self, start: datetime, end: datetime) -> int:
        """Working days after the start's day, up to and including the end's day."""
        day, last, counted = china_day(start), china_day(end), 0
        while day < last:
            day += ONE_DAY
            counted += self.is_working_day(day)
        return counted

    def _deadline(self, due: date, looked_at: Iterable[int]) -> Deadline:
        years = tuple(sorted(set(looked_at)))
        provisional = any(y not in self._years for y in years)
        return Deadline(due_on=due, due_at=end_of(due), provisional=provisional, depends_on=years)


def _same_day_months_later(day: date, n: int) -> date:
    index = day.year * 12 + day.month - 1 + n
    year, month = divmod(index, 12)
    last = gregorian.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))
