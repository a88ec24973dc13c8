"""The shipped year files are exactly what chinese-calendar knows, and 2026 matches the notice."""

from datetime import date
from pathlib import Path

from shared.workdays import shipped_years
from shared.workdays.generate import from_library, library_years, main
from shared.workdays.shipped import DATA


class TestShippedDataEqualsTheLibrary:
    def test_every_year_the_library_knows_is_shipped_and_no_other(self) -> None:
        assert [y.year for y in shipped_years()] == list(library_years())
        assert list(library_years()) == list(range(2004, 2027))

    def test_each_shipped_year_equals_the_library(self) -> None:
        for year in shipped_years():
            assert year == from_library(year.year), year.year

    def test_the_generator_reproduces_the_files_byte_for_byte(self, tmp_path: Path) -> None:
        assert main(["--out", str(tmp_path)]) == 0
        for path in sorted(DATA.glob("*.json")):
            assert (tmp_path / path.name).read_bytes() == path.read_bytes(), path.name


class Test2026AsTheStateCouncilPublishedIt:
    """国务院办公厅关于2026年部分节假日安排的通知 (2025-11-04), checked by hand."""

    def test_national_day_is_1_to_7_october_with_two_makeup_days(self) -> None:
        (year,) = [y for y in shipped_years() if y.year == 2026]
        national = sorted(d for d, name in year.holidays.items() if name == "国庆节")
        assert national == [date(2026, 10, d) for d in range(1, 8)]
        makeup = sorted(d for d, name in year.makeup_workdays.items() if name == "国庆节")
        assert makeup == [date(2026, 9, 20), date(2026, 10, 10)]

    def test_every_holiday_period_and_makeup_day_of_the_notice(self) -> None:
        (year,) = [y for y in shipped_years() if y.year == 2026]
        periods = {
            "元旦": (date(2026, 1, 1), 3),
            "春节": (date(2026, 2, 15), 9),
            "清明": (date(2026, 4, 4), 3),
            "劳动节": (date(2026, 5, 1), 5),
            "端午": (date(2026, 6, 19), 3),
            "中秋": (date(2026, 9, 25), 3),
            "国庆节": (date(2026, 10, 1), 7),
        }
        for name, (first, length) in periods.items():
            got = sorted(d for d, n in year.holidays.items() if n == name)
            assert got == [date.fromordinal(first.toordinal() + i) for i in range(length)], name
        assert sorted(year.makeup_workdays) == [
            date(2026, 1, 4),
            date(2026, 2, 14),
            date(2026, 2, 28),
            date(2026, 5, 9),
            date(2026, 9, 20),
            date(2026, 10, 10),
        ]
