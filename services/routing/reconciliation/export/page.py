"""The HTML summary: the run, per body, and two charts over the runs up to it (discrepancies per
class; overdue handoffs), drawn as inline SVG: these networks reach no CDN, so the page carries
everything it shows and loads nothing."""

from collections.abc import Sequence
from datetime import datetime
from html import escape
from typing import Any

from services.routing.reconciliation.export.rows import BODY_HEADERS, body_row, china
from services.routing.reconciliation.model import KIND_NAMES, Kind

COLOURS = {
    Kind.MISSING_DOWNSTREAM: "#c0392b",
    Kind.ORPHAN: "#8e44ad",
    Kind.DUPLICATE: "#d35400",
    Kind.STATE_MISMATCH: "#2980b9",
    Kind.HANDOFF_UNACKNOWLEDGED: "#16a085",
    Kind.FEEDBACK_UNDELIVERED: "#f39c12",
    Kind.DEAD_LETTERED: "#7f8c8d",
}
WIDTH, HEIGHT, PAD = 720, 240, 40
STYLE = (
    "body{font-family:sans-serif;margin:2em;color:#222}table{border-collapse:collapse}"
    "td,th{border:1px solid #bbb;padding:4px 8px;text-align:right}th{background:#dde6f0}"
    "td:first-child,th:first-child{text-align:left}.legend span{margin-right:1em}"
)


def as_html(run: dict[str, Any], history: Sequence[Any]) -> bytes:
    counts = run.get("counts") or {}
    rows = "".join(
        f"<tr><td>{escape(KIND_NAMES[k])} ({k.value})</td>"
        f"<td>{counts.get(k.value, {}).get('found', 0)}</td>"
        f"<td>{counts.get(k.value, {}).get('repair_requested', 0)}</td>"
        f"<td>{counts.get(k.value, {}).get('repair_failed', 0)}</td></tr>"
        for k in Kind
    )
    bodies = "".join(
        "<tr>" + "".join(f"<td>{escape(str(v))}</td>" for v in body_row(e)) + "</tr>"
        for e in sorted(run["bodies"].values(), key=lambda e: str(e.get("name")))
    )
    started = china(run.get("started_at"))
    verified = (run.get("verification") or {}).get("verified", 0)
    heads = "".join(f"<th>{escape(h)}</th>" for h, _ in BODY_HEADERS)
    parts = [
        '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">',
        f"<title>线索对账 {escape(str(run['id']))}</title><style>{STYLE}</style></head><body>",
        "<h1>线索移送对账台账</h1>",
        f"<p>对账编号 {escape(str(run['id']))}；开始 {escape(_when(started))}；",
        f"线索 {run.get('clues') or 0} 条；尚在传递 {run.get('in_flight') or 0} 条；",
        f"上次修复已复核 {verified} 条。</p>",
        "<h2>差异分类</h2><table><tr><th>类别</th><th>发现</th><th>已请求重发</th>",
        f"<th>无法修复</th></tr>{rows}</table>",
        f"<h2>各机关</h2><table><tr>{heads}</tr>{bodies}</table>",
        f"<h2>差异趋势</h2>{_stacked(history)}",
        f"<h2>移送超期趋势</h2>{_line(history)}",
        "</body></html>",
    ]
    page = "\n".join(parts)
    return page.encode()


def _when(at: datetime | None) -> str:
    return at.strftime("%Y-%m-%d %H:%M") if at else "—"


def _found(run: Any, kind: Kind) -> int:
    return int(((run.counts or {}).get(kind.value) or {}).get("found", 0))


def _overdue(run: Any) -> int:
    return _found(run, Kind.HANDOFF_UNACKNOWLEDGED)


def _stacked(history: Sequence[Any]) -> str:
    if not history:
        return "<p>暂无历史</p>"
    top = max(1, *(sum(_found(r, k) for k in Kind) for r in history))
    step = (WIDTH - 2 * PAD) / len(history)
    bars = []
    for n, run in enumerate(history):
        y = float(HEIGHT - PAD)
        for kind in Kind:
            h = _found(run, kind) * (HEIGHT - 2 * PAD) / top
            if h:
                y -= h
                bars.append(
                    f'<rect x="{PAD + n * step:.1f}" y="{y:.1f}" width="{max(step * 0.8, 1):.1f}" '
                    f'height="{h:.1f}" fill="{COLOURS[kind]}"><title>{escape(KIND_NAMES[kind])}: '
                    f"{_found(run, kind)}</title></rect>"
                )
    legend = "".join(
        f'<span style="color:{COLOURS[k]}">■ {escape(KIND_NAMES[k])}</span>' for k in Kind
    )
    return _svg(history, bars, top, "差异") + f'<p class="legend">{legend}</p>'


def _line(history: Sequence[Any]) -> str:
    if not history:
        return "<p>暂无历史</p>"
    top = max(1, *(_overdue(r) for r in history))
    step = (WIDTH - 2 * PAD) / max(len(history) - 1, 1)
    points = " ".join(
        f"{PAD + n * step:.1f},{HEIGHT - PAD - _overdue(r) * (HEIGHT - 2 * PAD) / top:.1f}"
        for n, r in enumerate(history)
    )
    line = [f'<polyline points="{points}" fill="none" stroke="#16a085" stroke-width="2"/>']
    return _svg(history, line, top, "移送超期")


def _svg(history: Sequence[Any], marks: list[str], top: int, label: str) -> str:
    first, last = china(history[0].started_at), china(history[-1].started_at)
    axis = (
        f'<line x1="{PAD}" y1="{HEIGHT - PAD}" x2="{WIDTH - PAD}" y2="{HEIGHT - PAD}" '
        'stroke="#333"/>'
        f'<line x1="{PAD}" y1="{PAD}" x2="{PAD}" y2="{HEIGHT - PAD}" stroke="#333"/>'
        f'<text x="{PAD - 4}" y="{PAD}" text-anchor="end" font-size="11">{top}</text>'
        f'<text x="{PAD - 4}" y="{HEIGHT - PAD}" text-anchor="end" font-size="11">0</text>'
        f'<text x="{PAD}" y="{HEIGHT - 12}" font-size="11">{escape(_when(first))}</text>'
        f'<text x="{WIDTH - PAD}" y="{HEIGHT - 12}" text-anchor="end" font-size="11">'
        f"{escape(_when(last))}</text>"
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
        f'role="img" aria-label="{escape(label)}">{axis}{"".join(marks)}</svg>'
    )
