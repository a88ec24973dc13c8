"""An assignment as one row: the aggregate's document, and the columns queries filter on.

Notes live in their own table (a co-body reads the shared ones) and the timeline in the audit
log; everything else of the aggregate is in `document`.
"""

from datetime import date, datetime
from typing import Any
from uuid import UUID

from services.casework.assignments.clock_records import clock_json, clock_of, instant_of
from services.casework.assignments.columns import derived_columns
from services.casework.domain import (
    Assignment,
    AssignmentState,
    ClueFacts,
    Disposition,
    HandoffKind,
    ReporterNotice,
    Role,
    Transfer,
)
from services.casework.domain.values import InquiryLetter, RectificationItem, VerificationResult
from shared.codes import Outcome

Json = dict[str, Any]


def to_row(a: Assignment) -> dict[str, Any]:
    return {
        "id": a.id,
        "clue_id": a.clue_id,
        "body_id": a.body_id,
        "role": a.role.value,
        "state": a.state.value,
        "receipt_number": a.facts.receipt_number,
        "category": a.facts.category,
        "channel": a.facts.channel,
        "summary": a.facts.summary,
        "region": a.facts.region,
        "subjects": a.facts.subjects,
        "decision_id": a.decision_id,
        "assigned_at": a.assigned_at,
        "stage": a.stage,
        "version": a.version,
        "document": document_of(a),
        "repeat_of_concluded": a.repeat_of_concluded,
        **derived_columns(a),
    }


def from_row(m: Any) -> Assignment:
    """`m` is a row mapping of the assignments table."""
    doc: Json = m["document"]
    return Assignment(
        id=m["id"],
        clue_id=m["clue_id"],
        body_id=m["body_id"],
        role=Role(m["role"]),
        state=AssignmentState(m["state"]),
        facts=_facts(m, doc.get("facts", {})),
        decision_id=m["decision_id"],
        assigned_at=m["assigned_at"],
        version=m["version"],
        clocks=[clock_of(c) for c in doc.get("clocks", ())],
        disposition=_maybe(Disposition, doc.get("disposition")),
        plan=doc.get("plan"),
        return_reason=doc.get("return_reason"),
        letters=[_letter(x) for x in doc.get("letters", ())],
        verification_results=[_result(x) for x in doc.get("verification_results", ())],
        case_basis=doc.get("case_basis"),
        outcome=_maybe(Outcome, doc.get("outcome")),
        summary_for_release=doc.get("summary_for_release"),
        rectification_items=[_item(x) for x in doc.get("rectification_items", ())],
        transfers=[_transfer(x) for x in doc.get("transfers", ())],
        reactivated_by=[UUID(x) for x in doc.get("reactivated_by", ())],
        notices_recorded=[ReporterNotice(x) for x in doc.get("notices_recorded", ())],
        stage=m["stage"],
        body_name=doc.get("body_name"),
        repeat_of_concluded=m["repeat_of_concluded"],
    )


def document_of(a: Assignment) -> Json:
    f = a.facts
    return {
        "facts": {
            "assigned_down": f.assigned_down,
            "reporter_real_name": f.reporter_real_name,
            "handoff_of": _text(f.handoff_of),
            "from_body_id": _text(f.from_body_id),
            "part": f.part,
        },
        "body_name": a.body_name,
        "clocks": [clock_json(c) for c in a.clocks],
        "disposition": _value(a.disposition),
        "plan": a.plan,
        "return_reason": a.return_reason,
        "letters": [_letter_json(x) for x in a.letters],
        "verification_results": [_result_json(x) for x in a.verification_results],
        "case_basis": a.case_basis,
        "outcome": _value(a.outcome),
        "summary_for_release": a.summary_for_release,
        "rectification_items": [_item_json(x) for x in a.rectification_items],
        "transfers": [_transfer_json(x) for x in a.transfers],
        "reactivated_by": [str(x) for x in a.reactivated_by],
        "notices_recorded": [x.value for x in a.notices_recorded],
    }


def _facts(m: Any, j: Json) -> ClueFacts:
    return ClueFacts(
        receipt_number=m["receipt_number"],
        category=m["category"],
        channel=m["channel"],
        summary=m["summary"],
        region=m["region"],
        subjects=list(m["subjects"]),
        assigned_down=bool(j.get("assigned_down", False)),
        reporter_real_name=bool(j.get("reporter_real_name", False)),
        handoff_of=_uuid(j.get("handoff_of")),
        from_body_id=_uuid(j.get("from_body_id")),
        part=j.get("part"),
    )


def _letter_json(x: InquiryLetter) -> Json:
    reply = x.reply_at.isoformat() if x.reply_at else None
    return {"id": str(x.id), "recipient": x.recipient, "sent_at": x.sent_at.isoformat()} | {
        "reply_at": reply,
        "reply_summary": x.reply_summary,
    }


def _letter(j: Json) -> InquiryLetter:
    sent = datetime.fromisoformat(j["sent_at"])
    reply = instant_of(j.get("reply_at"))
    return InquiryLetter(UUID(j["id"]), j["recipient"], sent, reply, j.get("reply_summary"))


def _result_json(x: VerificationResult) -> Json:
    return {"id": str(x.id), "at": x.at.isoformat(), "by": x.by, "findings": x.findings}


def _result(j: Json) -> VerificationResult:
    return VerificationResult(
        UUID(j["id"]), datetime.fromisoformat(j["at"]), j["by"], j["findings"]
    )


def _item_json(x: RectificationItem) -> Json:
    return {
        "id": str(x.id),
        "description": x.description,
        "owner": x.owner,
        "due_on": x.due_on.isoformat(),
        "completed_at": x.completed_at.isoformat() if x.completed_at else None,
        "report": x.report,
        "overdue_reported": x.overdue_reported,
    }


def _item(j: Json) -> RectificationItem:
    return RectificationItem(
        UUID(j["id"]),
        j["description"],
        j["owner"],
        date.fromisoformat(j["due_on"]),
        instant_of(j.get("completed_at")),
        j.get("report"),
        bool(j.get("overdue_reported", False)),
    )


def _transfer_json(x: Transfer) -> Json:
    return {
        "id": str(x.id),
        "kind": x.kind.value,
        "target_body_id": _text(x.target_body_id),
        "target_name": x.target_name,
        "at": x.at.isoformat(),
        "reason": x.reason,
        "transferred_part": x.transferred_part,
        "kept_part": x.kept_part,
    }


def _transfer(j: Json) -> Transfer:
    return Transfer(
        kind=HandoffKind(j["kind"]),
        target_body_id=_uuid(j.get("target_body_id")),
        at=datetime.fromisoformat(j["at"]),
        reason=j["reason"],
        transferred_part=j.get("transferred_part"),
        kept_part=j.get("kept_part"),
        target_name=j.get("target_name"),
        id=UUID(j["id"]),
    )


def _maybe(kind: Any, value: str | None) -> Any:
    return None if value is None else kind(value)


def _value(value: Any) -> str | None:
    return None if value is None else str(value.value)


def _text(value: UUID | None) -> str | None:
    return None if value is None else str(value)


def _uuid(value: str | None) -> UUID | None:
    return None if value is None else UUID(value)
