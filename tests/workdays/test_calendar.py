"""Working days and deadlines on the shipped calendar, across 2026's holidays and into 2027."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from shared.workdays import CHINA, WorkingCalendar, china_day, shipped_calendar
from tests.workdays.builders import year_2027

CAL = shipped_calendar()


def at(day: str, hour: int = 10) -> datetime:
    """An instant of that day in China, mid-morning by default."""
    return datetime.combine(date.fromisoformat(day), datetime.min.time(), CHINA).replace(hour=hour)


def due(start: str, n: int, calendar: WorkingCalendar = CAL) -> date:
    return calendar.add_working_days(at(start), n).due_on


class TestNationalDay2026:
    @pytest.mark.parametrize("day", [f"2026-10-0{d}" for d in range(1, 8)] + ["2026-09-25"])
    def test_the_holidays_are_not_working_days(self, day: str) -> None:
        assert not CAL.is_working_day(date.fromisoformat(day))

    @pytest.mark.parametrize("day", ["2026-09-20", "2026-10-10"])
    def test_the_makeup_weekend_days_are_working_days(self, day: str) -> None:
        assert CAL.is_working_day(date.fromisoformat(day))

    def test_the_sunday_after_the_makeup_saturday_is_a_rest_day(self) -> None:
        assert not CAL.is_working_day(date(2026, 10, 11))

    def test_a_forward_clock_jumps_the_holiday_and_counts_the_makeup_saturday(self) -> None:
        # 30 Sep, 8 Oct, 9 Oct, Saturday 10 Oct (make-up), Monday 12 Oct.
        assert due("2026-09-29", 5) == date(2026, 10, 12)

    def test_a_clock_ending_on_the_makeup_saturday_is_due_that_saturday(self) -> None:
        assert due("2026-09-30", 3) == date(2026, 10, 10)

    def test_fifteen_working_days_across_mid_autumn_and_national_day(self) -> None:
        # 22-24 Sep, 28-30 Sep, 8-10 Oct, 12-16 Oct, 19 Oct.
        assert due("2026-09-21", 15) == date(2026, 10, 19)

    def test_the_sunday_makeup_day_before_the_holiday_counts(self) -> None:
        assert due("2026-09-19", 1) == date(2026, 9, 20)
        assert due("2026-09-20", 1) == date(2026, 9, 21)


class TestThreeWorkingDaysFromAFriday:
    def test_before_spring_festival_the_makeup_saturday_counts_first(self) -> None:
        # Saturday 14 Feb (make-up), then 15-23 Feb off, then 24 and 25 Feb.
        assert due("2026-02-13", 3) == date(2026, 2, 25)

    def test_before_mid_autumn_the_makeup_sunday_counts(self) -> None:
        assert due("2026-09-18", 3) == date(2026, 9, 22)

    def test_before_dragon_boat_a_plain_weekend_is_skipped(self) -> None:
        assert due("2026-06-12", 3) == date(2026, 6, 17)

    def test_on_a_holiday_friday_counting_starts_after_the_holiday(self) -> None:
        assert due("2026-09-25", 3) == date(2026, 9, 30)


class TestDayAndInstant:
    def test_the_day_is_chinas_day_not_utcs(self) -> None:
        # 17:00 UTC on 29 Sep is 01:00 on 30 Sep in China: one working day later is 8 Oct.
        late = datetime(2026, 9, 29, 17, 0, tzinfo=UTC)
        assert china_day(late) == date(2026, 9, 30)
        assert CAL.add_working_days(late, 1).due_on == date(2026, 10, 8)

    def test_a_deadline_runs_out_at_the_midnight_ending_its_last_day(self) -> None:
        deadline = CAL.add_working_days(at("2026-09-29"), 5)
        assert deadline.due_at == datetime(2026, 10, 13, tzinfo=CHINA)
        assert deadline.due_at == datetime(2026, 10, 12, 16, tzinfo=UTC)
        assert not deadline.is_overdue(datetime(2026, 10, 12, 23, 59, tzinfo=CHINA))
        assert deadline.is_overdue(deadline.due_at)

    def test_a_naive_datetime_is_refused(self) -> None:
        with pytest.raises(ValueError, match="naive"):
            CAL.add_working_days(datetime(2026, 9, 29, 10), 1)

    def test_the_fixed_offset_is_asia_shanghai_every_year_we_hold(self) -> None:
        shanghai = ZoneInfo("Asia/Shanghai")
        for year in range(2004, 2031):
            for month in (1, 7):
                instant = datetime(year, month, 1, 12, tzinfo=UTC)
                assert instant.astimezone(shanghai).utcoffset() == timedelta(hours=8)
                assert china_day(instant) == instant.astimezone(shanghai).date()

    def test_zero_working_days_is_the_end_of_the_start_day(self) -> None:
        deadline = CAL.add_working_days(at("2026-10-03"), 0)
        assert (deadline.due_on, deadline.provisional, deadline.depends_on) == (
            date(2026, 10, 3),
            False,
            (),
        )

    def test_a_negative_count_is_refused(self) -> None:
        with pytest.raises(ValueError):
            CAL.add_working_days(at("2026-10-03"), -1)

    def test_working_days_between_counts_after_the_start_up_to_the_end(self) -> None:
        assert CAL.working_days_between(at("2026-09-30"), at("2026-10-12")) == 4
        assert CAL.working_days_between(at("2026-10-12"), at("2026-09-30")) == 0
        start = at("2026-09-21")
        last_day = CAL.add_working_days(start, 15).due_on
        assert CAL.working_days_between(start, at(last_day.isoformat())) == 15


class TestMonths:
    def test_one_month_is_the_same_day_of_the_next_month(self) -> None:
        assert CAL.add_months(at("2026-09-08"), 1).due_on == date(2026, 10, 8)

    def test_a_month_ending_on_a_holiday_moves_to_the_next_working_day(self) -> None:
        assert CAL.add_months(at("2026-09-01"), 1).due_on == date(2026, 10, 8)

    def test_without_that_day_it_is_the_months_last_day(self) -> None:
        assert CAL.add_months(at("2026-08-31"), 1).due_on == date(2026, 9, 30)
        assert CAL.add_months(at("2024-01-31"), 1).due_on == date(2024, 2, 29)

    def test_a_last_day_on_a_makeup_saturday_stays_there(self) -> None:
        assert CAL.add_months(at("2026-01-31"), 1).due_on == date(2026, 2, 28)

    def test_a_last_day_on_a_plain_sunday_moves_to_monday(self) -> None:
        assert CAL.add_months(at("2026-02-08"), 1).due_on == date(2026, 3, 9)

    def test_zero_months_is_refused(self) -> None:
        with pytest.raises(ValueError):
            CAL.add_months(at("2026-02-08"), 0)


class TestYearNotLoaded:
    def test_a_clock_reaching_2027_counts_weekends_only_and_is_provisional(self) -> None:
        # 29-31 Dec 2026, then Friday 1 Jan 2027 counts (no holiday known), Monday 4 Jan.
        deadline = CAL.add_working_days(at("2026-12-28"), 5)
        assert deadline.due_on == date(2027, 1, 4)
        assert deadline.provisional
        assert deadline.depends_on == (2026, 2027)

    def test_a_clock_within_2026_is_final(self) -> None:
        deadline = CAL.add_working_days(at("2026-12-01"), 5)
        assert not deadline.provisional
        assert deadline.depends_on == (2026,)

    def test_three_months_from_december_is_provisional_on_2027(self) -> None:
        deadline = CAL.add_months(at("2026-12-01"), 3)
        assert (deadline.due_on, deadline.provisional, deadline.depends_on) == (
            date(2027, 3, 1),
            True,
            (2027,),
        )

    def test_loading_2027_moves_the_deadline_and_clears_provisional(self) -> None:
        loaded = CAL.with_years([year_2027()])
        deadline = loaded.add_working_days(at("2026-12-28"), 5)
        assert deadline.due_on == date(2027, 1, 5)
        assert not deadline.provisional
        assert 2027 not in CAL.loaded_years
        assert 2027 in loaded.loaded_years

    def test_a_makeup_day_of_a_loaded_year_counts(self) -> None:
        loaded = CAL.with_years([year_2027()])
        assert loaded.is_working_day(date(2027, 2, 20))
        assert not CAL.is_working_day(date(2027, 2, 20))

    def test_an_empty_calendar_counts_weekends_only(self) -> None:
        empty = WorkingCalendar()
        deadline = empty.add_working_days(at("2026-09-30"), 3)
        assert deadline.due_on == date(2026, 10, 5)
        assert deadline.provisional


class TestMergedDeadline:
    def test_counting_on_from_a_provisional_deadline_stays_provisional(self) -> None:
        first = CAL.add_months(at("2026-12-01"), 3)
        later = CAL.add_working_days(at("2026-06-01"), 1)
        merged = first.merged(later)
        assert merged.due_on == later.due_on
        assert merged.provisional
        assert merged.depends_on == (2026, 2027)
