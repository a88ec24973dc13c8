"""Rows -> the sender's view of a referral (never the reporter, never a raw ID number)."""

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Row

from services.intake.referrals.schemas import (
    AttachmentOut,
    BodyOut,
    ReferralOut,
    ReferralSummary,
    SubjectOut,
    TimelineEntry,
)
from services.intake.referrals.status_texts import status_note
from shared.codes import DISPLAY_NAMES, ClueStatus


def summary_view(row: Row[Any]) -> ReferralSummary:
    return ReferralSummary(**_summary_fields(row._mapping))


def referral_view(row: Row[Any], timeline: list[Row[Any]], uploaded: set[int]) -> ReferralOut:
    return _full_view(
        row._mapping,
        [_timeline_entry(t._mapping) for t in timeline],
        uploaded,
    )


def accepted_view(stored: Mapping[Any, Any]) -> ReferralOut:
    """The referral as it was when accepted: the response to the first request and every replay.

    Rebuilt from the stored row rather than read back, so a replay repeats the original body
    even after the status moved on, and the first response costs no extra query.
    """
    received = {"status": ClueStatus.RECEIVED, "occurred_at": stored["received_at"]}
    original = {
        **stored,
        "status": ClueStatus.RECEIVED,
        "status_at": stored["received_at"],
        "body_id": None,
        "outcome": None,
        "outcome_summary": None,
    }
    return _full_view(original, [_timeline_entry(received)], set())


def _full_view(
    r: Mapping[Any, Any], timeline: list[TimelineEntry], uploaded: set[int]
) -> ReferralOut:
    return ReferralOut(
        **_summary_fields(r),
        topics=r["topics"],
        region=r["region"],
        subjects=[_subject(s) for s in r["subjects"]],
        attachments=[
            AttachmentOut(index=i, content_uploaded=i in uploaded, **a)
            for i, a in enumerate(r["attachments"])
        ],
        timeline=timeline,
    )


def _summary_fields(r: Mapping[Any, Any]) -> dict[str, Any]:
    return {
        "id": r["id"],
        "receipt_number": r["receipt_number"],
        "status": r["status"],
        "status_display": DISPLAY_NAMES[r["status"]],
        "status_at": r["status_at"],
        "received_at": r["received_at"],
        "handling_body": _body(r),
        "category": r["category"],
        "channel": r["channel"],
        "summary": r["summary"],
        "outcome": r["outcome"],
        "outcome_display": DISPLAY_NAMES[r["outcome"]] if r["outcome"] else None,
        "outcome_summary": r["outcome_summary"],
    }


def _timeline_entry(t: Mapping[Any, Any]) -> TimelineEntry:
    return TimelineEntry(
        status=t["status"],
        status_display=DISPLAY_NAMES[t["status"]],
        occurred_at=t["occurred_at"],
        body=_body(t),
        # Never the reporting service's own note: intake's words for the status (status_texts).
        note=status_note(t["status"]),
    )


def _body(r: Mapping[Any, Any]) -> BodyOut | None:
    body_id = r.get("body_id")
    return BodyOut(id=body_id, name=r.get("body_name")) if body_id else None


def _subject(stored: dict[str, Any]) -> SubjectOut:
    return SubjectOut(
        name=stored["name"],
        id_number=stored.get("id_number_masked"),
        unit=stored["unit"],
        position=stored.get("position"),
        rank=stored["rank"],
        managing_level=stored["managing_level"],
        unit_credit_code=stored.get("unit_credit_code"),
    )
