"""Which difference a clue shows, from what each ledger has of it. Pure.

Invariants (DESIGN.md): every referral intake accepted has one routing record; the latest
decision with a lead has one assignment per chosen body at casework; the sender is told what
routing and the lead body reported; no assignment without a decision, none twice.
"""

from typing import Any
from uuid import UUID

from services.routing.reconciliation.model import Discrepancy, Kind, Repair
from shared.codes import ClueStatus
from shared.events.topics import CASE_CONCLUDED, CLUE_RECEIVED, CLUE_ROUTED, CLUE_STATUS
from shared.ledger.schemas import LedgerItem

# The order of statuses within a stage, as intake folds them (intake/referrals/status.py).
RANK = {
    ClueStatus.RECEIVED: 0,
    ClueStatus.PENDING_REVIEW: 1,
    ClueStatus.ROUTED: 1,
    ClueStatus.TRANSFERRED: 1,
    ClueStatus.ASSIGNED: 2,
    ClueStatus.ACCEPTED: 3,
    ClueStatus.IN_DISPOSITION: 4,
    ClueStatus.CONCLUDED: 6,
    ClueStatus.RETURNED_TO_SENDER: 6,
}


def classify(
    clue_id: UUID,
    *,
    intake: LedgerItem | None,
    routing: LedgerItem | None,
    casework: LedgerItem | None,
) -> list[Discrepancy]:
    found = _received(clue_id, intake, routing)
    found += _routed(clue_id, routing, casework)
    found += _status(clue_id, intake, casework)
    return found


def _base(clue_id: UUID, *items: LedgerItem | None) -> dict[str, Any]:
    present = [i for i in items if i is not None]
    region = next((i.detail.get("region") for i in present if i.detail.get("region")), None)
    receipt = present[0].receipt_number if present else None
    return {"clue_id": clue_id, "receipt_number": receipt, "region": region}


def _received(
    clue_id: UUID, intake: LedgerItem | None, routing: LedgerItem | None
) -> list[Discrepancy]:
    base = _base(clue_id, routing, intake)
    if intake is not None and routing is None:
        return [
            Discrepancy(
                Kind.MISSING_DOWNSTREAM,
                "not_routed",
                note="已接收的线索在案管台账中没有登记（未分办）",
                facts={"intake_status": intake.detail.get("status")},
                repair=Repair("intake", CLUE_RECEIVED, "reissue"),
                **base,
            )
        ]
    if routing is None or intake is None:
        if routing is not None and intake is None:
            return [
                Discrepancy(
                    Kind.ORPHAN,
                    "clue_without_referral",
                    note="案管台账中的线索在接收端没有对应记录",
                    body_ids=_bodies(routing),
                    facts={"routing_status": routing.detail.get("status")},
                    **base,
                )
            ]
        return []
    told, reported = int(intake.detail.get("stage") or 0), int(routing.detail["reported_stage"])
    if told < reported:
        return [
            Discrepancy(
                Kind.STATE_MISMATCH,
                "status_behind_routing",
                note=f"报送单位看到的是第{told}阶段的状态，案管已报告第{reported}阶段",
                body_ids=_bodies(routing),
                facts={
                    "intake_stage": told,
                    "routing_stage": reported,
                    "intake_status": intake.detail.get("status"),
                },
                repair=Repair("routing", CLUE_STATUS),
                **base,
            )
        ]
    return []


def _routed(
    clue_id: UUID, routing: LedgerItem | None, casework: LedgerItem | None
) -> list[Discrepancy]:
    base = _base(clue_id, routing, casework)
    delivered = routing.detail.get("delivered", []) if routing else []
    rows = casework.detail.get("assignments", []) if casework else []
    known = {d["id"] for d in delivered}
    if not delivered:
        if not rows:
            return []
        return [_orphan(base, rows, "承办机关有交办记录，案管没有对应的分办决定")]
    last = max(delivered, key=lambda d: d["stage"])
    top = max((r["stage"] for r in rows), default=0)
    if top > last["stage"] or any(r["decision_id"] not in known for r in rows if r["stage"] == top):
        return [
            _orphan(
                base,
                [r for r in rows if r["decision_id"] not in known] or rows,
                "承办机关的交办记录对应的分办决定在案管台账中不存在",
            )
        ]
    current = [r for r in rows if r["stage"] == last["stage"] and r["decision_id"] == last["id"]]
    found = _duplicates(base, current)
    expected = {last["lead_body_id"]: "lead", **{b: "co" for b in last["co_body_ids"]}}
    have = {r["body_id"] for r in current}
    missing = [b for b in expected if b not in have]
    if missing:
        found.append(
            Discrepancy(
                Kind.MISSING_DOWNSTREAM,
                "not_assigned",
                note=f"第{last['stage']}阶段分办决定已作出，{len(missing)}个承办机关没有交办记录",
                body_ids=tuple(UUID(b) for b in missing),
                facts={"decision_id": last["id"], "stage": last["stage"], "missing": missing},
                repair=Repair("routing", CLUE_ROUTED, "reissue", {"decision_id": last["id"]}),
                **base,
            )
        )
    extra = [r for r in current if r["body_id"] not in expected]
    if extra:
        found.append(_orphan(base, extra, "承办机关的交办记录不在该分办决定选定的机关之内"))
    return found


def _duplicates(base: dict[str, Any], current: list[dict[str, Any]]) -> list[Discrepancy]:
    by_body: dict[str, list[dict[str, Any]]] = {}
    for r in current:
        if r["live"]:
            by_body.setdefault(r["body_id"], []).append(r)
    return [
        Discrepancy(
            Kind.DUPLICATE,
            "two_live_assignments",
            note=f"同一分办决定在同一机关有{len(rows)}条在办交办记录",
            body_ids=(UUID(body),),
            facts={"decision_id": rows[0]["decision_id"], "assignments": [r["id"] for r in rows]},
            **base,
        )
        for body, rows in by_body.items()
        if len(rows) > 1
    ]


def _orphan(base: dict[str, Any], rows: list[dict[str, Any]], note: str) -> Discrepancy:
    return Discrepancy(
        Kind.ORPHAN,
        "assignment_without_decision",
        note=note,
        body_ids=tuple(dict.fromkeys(UUID(r["body_id"]) for r in rows)),
        facts={
            "assignments": [r["id"] for r in rows],
            "decisions": sorted({r["decision_id"] for r in rows}),
        },
        **base,
    )


def _status(
    clue_id: UUID, intake: LedgerItem | None, casework: LedgerItem | None
) -> list[Discrepancy]:
    reported = casework.facts.get("status") if casework else None
    if intake is None or casework is None or reported is None:
        return []
    stage_text, status_text, outcome = reported.split("|")
    stage, status = int(stage_text), ClueStatus(status_text)
    told = ClueStatus(intake.detail["status"])
    told_at = (int(intake.detail.get("stage") or 0), RANK[told])
    behind = told_at < (stage, RANK[status])
    wrong_outcome = (
        told_at == (stage, RANK[status])
        and status is ClueStatus.CONCLUDED
        and ((intake.detail.get("outcome") or "") != outcome)
    )
    if not (behind or wrong_outcome):
        return []
    lead = _lead(casework, stage)
    base = {**_base(clue_id, intake, casework), "body_ids": (UUID(lead),) if lead else ()}
    facts = {
        "intake_status": told.value,
        "intake_stage": told_at[0],
        "casework_status": status.value,
        "casework_stage": stage,
        "outcome": outcome or None,
    }
    if status is ClueStatus.CONCLUDED:
        return [
            Discrepancy(
                Kind.FEEDBACK_UNDELIVERED,
                "conclusion_not_recorded",
                note="承办机关已办结，报送单位未收到办理结果",
                facts=facts,
                repair=Repair("casework", CASE_CONCLUDED),
                **base,
            )
        ]
    return [
        Discrepancy(
            Kind.STATE_MISMATCH,
            "status_behind_casework",
            note=f"报送单位看到“{told.value}”，承办机关已到“{status.value}”",
            facts=facts,
            repair=Repair("casework", CLUE_STATUS),
            **base,
        )
    ]


def _lead(casework: LedgerItem, stage: int) -> str | None:
    for r in casework.detail.get("assignments", []):
        if r["stage"] == stage and r["role"] == "lead":
            return str(r["body_id"])
    return None


def _bodies(routing: LedgerItem) -> tuple[UUID, ...]:
    d = routing.detail
    ids = [d.get("lead_body_id"), *d.get("co_body_ids", [])]
    return tuple(UUID(b) for b in ids if b)


def undelivered(row: dict[str, Any]) -> Discrepancy:
    """The outcome is recorded at intake, but the agency's callback refused it every time."""
    return Discrepancy(
        Kind.FEEDBACK_UNDELIVERED,
        "webhook_failed",
        clue_id=UUID(row["clue_id"]),
        receipt_number=row["receipt_number"],
        region=row.get("region"),
        body_ids=(UUID(row["body_id"]),) if row.get("body_id") else (),
        note="办理结果已记录，推送给报送单位的回调多次失败（单位仍可查询）",
        facts={"delivery_id": row["delivery_id"], "error": row.get("error")},
    )
