"""CSV and XLSX: the discrepancies, and the ledger per body as the offices keep it."""

import csv
import io
import re
from collections.abc import Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from services.routing.reconciliation.export.rows import (
    BODY_HEADERS,
    HEADERS,
    body_row,
    china,
    discrepancy_row,
)

DATE = "yyyy-mm-dd"
DATETIME = "yyyy-mm-dd hh:mm"
HEADER_FILL = PatternFill("solid", fgColor="DDE6F0")
NOT_IN_SHEET_NAMES = re.compile(r"[\[\]:*?/\\]")


def as_csv(run: dict[str, Any], found: Sequence[dict[str, Any]], names: dict[str, str]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([h for h, _ in HEADERS])
    for n, d in enumerate(found, 1):
        writer.writerow(["" if v is None else v for v in discrepancy_row(n, d, names)])
    # A BOM, so that a spreadsheet opens the Chinese headers as UTF-8.
    return ("\ufeff" + out.getvalue()).encode()


def as_xlsx(run: dict[str, Any], found: Sequence[dict[str, Any]], names: dict[str, str]) -> bytes:
    book = Workbook()
    summary = book.active
    assert summary is not None
    summary.title = "汇总"
    _summary(summary, run)
    _sheet(
        book.create_sheet("差异明细"),
        HEADERS,
        [discrepancy_row(n, d, names) for n, d in enumerate(found, 1)],
    )
    used = {"汇总", "差异明细"}
    for body_id, entry in sorted(run["bodies"].items(), key=lambda kv: str(kv[1].get("name"))):
        mine = [d for d in found if body_id in {str(b) for b in d.get("body_ids") or ()}]
        sheet = book.create_sheet(_sheet_name(str(entry.get("name") or body_id), used))
        sheet.append([h for h, _ in BODY_HEADERS])
        sheet.append(body_row(entry))
        sheet.append([])
        _sheet(
            sheet, HEADERS, [discrepancy_row(n, d, names) for n, d in enumerate(mine, 1)], start=4
        )
        _widths(
            sheet,
            [max(a[1], b[1]) for a, b in zip(HEADERS, [*BODY_HEADERS, *HEADERS[8:]], strict=False)],
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _summary(sheet: Worksheet, run: dict[str, Any]) -> None:
    facts = [
        ("对账编号", str(run["id"])),
        ("开始时间", china(run.get("started_at"))),
        ("结束时间", china(run.get("finished_at"))),
        ("回执日期自", run.get("window_first")),
        ("回执日期至", run.get("window_last")),
        ("线索数", run.get("clues")),
        ("尚在传递", run.get("in_flight")),
    ]
    sheet.append([h for h, _ in BODY_HEADERS])
    for entry in sorted(run["bodies"].values(), key=lambda e: str(e.get("name"))):
        sheet.append(body_row(entry))
    _style_header(sheet, len(BODY_HEADERS))
    sheet.append([])
    for label, value in facts:
        sheet.append([label, value])
        cell = sheet.cell(row=sheet.max_row, column=2)
        cell.number_format = DATETIME if label.endswith("时间") else DATE
    _widths(sheet, [w for _, w in BODY_HEADERS])
    sheet.freeze_panes = "A2"


def _sheet(
    sheet: Worksheet, headers: Sequence[tuple[str, int]], rows: list[list[Any]], *, start: int = 1
) -> None:
    sheet.append([h for h, _ in headers])
    for row in rows:
        sheet.append(row)
        sheet.cell(row=sheet.max_row, column=6).number_format = DATE
        sheet.cell(row=sheet.max_row, column=12).number_format = DATETIME
    _style_header(sheet, len(headers), row=start)
    _widths(sheet, [w for _, w in headers])
    sheet.freeze_panes = f"A{start + 1}"


def _style_header(sheet: Worksheet, columns: int, *, row: int = 1) -> None:
    for column in range(1, columns + 1):
        cell = sheet.cell(row=row, column=column)
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(vertical="center", wrap_text=True)


def _widths(sheet: Worksheet, widths: Sequence[int]) -> None:
    for n, width in enumerate(widths, 1):
        sheet.column_dimensions[get_column_letter(n)].width = width


def _sheet_name(name: str, used: set[str]) -> str:
    base = NOT_IN_SHEET_NAMES.sub("_", name)[:28] or "机关"
    chosen, n = base, 1
    while chosen in used:
        n += 1
        chosen = f"{base[:26]}({n})"
    used.add(chosen)
    return chosen
