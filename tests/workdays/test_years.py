"""A year document is validated on load; a bad one is refused with the reason."""

import json
from pathlib import Path
from typing import Any

import pytest

from shared.workdays import CalendarFileError, parse_year, read_year_file
from tests.workdays.builders import TEST_2027, document

HOLIDAY = {"date": "2027-01-01", "name": "元旦"}


class TestGoodDocument:
    def test_parses_into_holidays_and_makeup_days(self) -> None:
        year = parse_year(TEST_2027)
        assert year.year == 2027
        assert len(year.holidays) == 10
        assert [d.isoformat() for d in year.makeup_workdays] == ["2027-02-20"]

    def test_the_canonical_document_round_trips(self) -> None:
        year = parse_year(TEST_2027)
        assert parse_year(year.to_document()) == year
        assert parse_year(year.to_document()).digest() == year.digest()

    def test_the_digest_changes_with_any_day(self) -> None:
        other = document(holidays=[HOLIDAY])
        assert parse_year(other).digest() != parse_year(TEST_2027).digest()


BAD: list[tuple[Any, str]] = [
    ([TEST_2027], "a year document is a JSON object"),
    (document(extra=1), "unknown field 'extra'"),
    ({k: v for k, v in TEST_2027.items() if k != "source"}, "lacks the field 'source'"),
    (document(format_version=2), "format_version 2 is not 1"),
    (TEST_2027 | {"year": "2027"}, "year '2027' is not a year"),
    (TEST_2027 | {"year": True}, "year True is not a year"),
    (TEST_2027 | {"year": 1800}, "year 1800 is not a year"),
    (document(source="  "), "source must be a non-empty text"),
    (document(holidays={"2027-01-01": "元旦"}), "holidays must be a list"),
    (document(holidays=["2027-01-01"]), "holidays[0] must be an object"),
    (document(holidays=[{"date": "2027-01-01"}]), "holidays[0] lacks the field 'name'"),
    (document(holidays=[{"date": "2027-13-01", "name": "x"}]), "holidays[0].date '2027-13-01'"),
    (document(holidays=[{"date": "20270101", "name": "x"}]), "is not a date YYYY-MM-DD"),
    (document(holidays=[{"date": "2026-10-01", "name": "国庆节"}]), "2026-10-01 is not in 2027"),
    (document(holidays=[HOLIDAY, HOLIDAY]), "holidays[1].date 2027-01-01 is listed twice"),
    (document(holidays=[{"date": "2027-01-01", "name": ""}]), "holidays[0].name must be"),
    (document(holidays=[]), "holidays of 2027 is empty"),
    (
        document(makeup_workdays=[{"date": "2027-01-02", "name": "元旦"}]),
        "2027-01-02 is both a holiday and a make-up working day",
    ),
    (
        document(makeup_workdays=[{"date": "2027-01-06", "name": "元旦"}]),
        "make-up working day 2027-01-06 is a Wednesday",
    ),
]


class TestBadDocumentIsRefused:
    @pytest.mark.parametrize(("bad", "reason"), BAD, ids=[reason for _, reason in BAD])
    def test_with_the_reason(self, bad: Any, reason: str) -> None:
        with pytest.raises(CalendarFileError) as refused:
            parse_year(bad, origin="2027.json")
        assert reason in str(refused.value)
        assert str(refused.value).startswith("2027.json: ")


class TestYearFile:
    def test_a_good_file_is_read(self, tmp_path: Path) -> None:
        path = tmp_path / "2027.json"
        path.write_text(json.dumps(TEST_2027, ensure_ascii=False), encoding="utf-8")
        assert read_year_file(path) == parse_year(TEST_2027)

    def test_a_file_that_is_not_json_names_the_file(self, tmp_path: Path) -> None:
        path = tmp_path / "2027.json"
        path.write_text("{'year': 2027}", encoding="utf-8")
        with pytest.raises(CalendarFileError, match=r"2027\.json: not a UTF-8 JSON document"):
            read_year_file(path)

    def test_a_missing_file_is_refused_not_crashed(self, tmp_path: Path) -> None:
        with pytest.raises(CalendarFileError, match="cannot be read"):
            read_year_file(tmp_path / "nope.json")
