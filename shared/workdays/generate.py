"""`python -m shared.workdays.generate [--out DIR] [YEAR ...]` writes year documents from the
`chinese-calendar` library (a development dependency only) for the years it knows.

Review the diff of `shared/workdays/data/` against the State Council's notices before committing.
"""

import argparse
import json
import sys
from datetime import date
from pathlib import Path

from shared.workdays.shipped import DATA
from shared.workdays.years import CalendarYear, parse_year


def library_years() -> range:
    import chinese_calendar

    known = [d.year for d in chinese_calendar.holidays]
    return range(min(known), max(known) + 1)


def from_library(year: int) -> CalendarYear:
    import chinese_calendar

    def chinese(days: dict[date, str]) -> dict[date, str]:
        return {
            d: chinese_calendar.Holiday(name).chinese for d, name in days.items() if d.year == year
        }

    notice = f"国务院办公厅关于{year}年部分节假日安排的通知"
    source = f"chinese-calendar {chinese_calendar.__version__}, after {notice}"
    built = CalendarYear(
        year=year,
        source=source,
        holidays=chinese(chinese_calendar.holidays),
        makeup_workdays=chinese(chinese_calendar.workdays),
    )
    # What the library gives must pass the same validation as any file loaded later.
    return parse_year(built.to_document(), origin=f"chinese-calendar {year}")


def render(year: CalendarYear) -> str:
    """Indented JSON with one day per line, so that a review reads it as a list of dates."""
    document = year.to_document()
    lines = ["{"]
    for key, value in document.items():
        if isinstance(value, list):
            days = [f"    {json.dumps(day, ensure_ascii=False)}" for day in value]
            lines.append(f'  "{key}": [\n' + ",\n".join(days) + "\n  ],")
        else:
            lines.append(f'  "{key}": {json.dumps(value, ensure_ascii=False)},')
    lines[-1] = lines[-1].removesuffix(",")
    return "\n".join([*lines, "}", ""])


def write(year: CalendarYear, out: Path) -> Path:
    path = out / f"{year.year}.json"
    path.write_text(render(year), encoding="utf-8")
    return path


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m shared.workdays.generate")
    parser.add_argument("years", nargs="*", type=int, help="default: every year the library knows")
    parser.add_argument("--out", type=Path, default=DATA)
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    for year in args.years or library_years():
        print(write(from_library(year), args.out))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
