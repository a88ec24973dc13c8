"""The rows every export shares: discrepancies with Chinese headers, dates as China dates."""

from datetime import date, datetime
from typing import Any

from shared.workdays import CHINA

HEADERS = (
    ("序号", 8),
    ("类别", 16),
    ("类别代码", 22),
    ("情形", 24),
    ("回执编号", 24),
    ("收到日期", 12),
    ("线索编号", 38),
    ("相关机关", 30),
    ("说明", 48),
    ("修复方式", 28),
    ("修复状态", 14),
    ("复核时间", 18),
)
REPAIR_STATUS = {
    "none": "仅报告",
    "requested": "已请求重发",
    "failed": "无法修复",
    "verified": "已复核修复",
    "not_verified": "复核未修复",
}
BODY_HEADERS = (
    ("机关", 28),
    ("交办", 8),
    ("已签收", 8),
    ("已处置", 8),
    ("已办结", 8),
    ("超期", 8),
    ("移送超期", 10),
    ("差异", 8),
)


def china(at: datetime | None) -> datetime | None:
    """Naive China time: what a spreadsheet shows as a date and time."""
    return at.astimezone(CHINA).replace(tzinfo=None) if at else None


def receipt_date(receipt: str | None) -> date | None:
    try:
        return datetime.strptime((receipt or "")[3:11], "%Y%m%d").date()
    except ValueError:
        return None


def discrepancy_row(n: int, d: dict[str, Any], names: dict[str, str]) -> list[Any]:
    repair = d.get("repair") or {}
    how = f"{repair['owner']} {repair['mode']} {repair['topic']}" if repair else ""
    return [
        n,
        d["kind_name"],
        d["kind"],
        d["detail"],
        d.get("receipt_number") or "",
        receipt_date(d.get("receipt_number")),
        str(d["clue_id"]) if d.get("clue_id") else "",
        "、".join(names.get(str(b), str(b)) for b in d.get("body_ids") or ()),
        d["note"],
        how,
        REPAIR_STATUS.get(d["repair_status"], d["repair_status"]),
        china(d.get("verified_at")),
    ]


def body_row(entry: dict[str, Any]) -> list[Any]:
    keys = ("assigned", "signed_for", "disposed", "concluded", "overdue", "overdue_handoffs")
    return [
        entry.get("name", ""),
        *(int(entry.get(k, 0)) for k in keys),
        int(entry.get("discrepancies", 0)),
    ]
