"""Rows -> the sender's view of a referral (never the reporter, never a raw ID number)."""

from typing import Any

from sqlalchemy import Row

from services.intake.schemas import BodyOut, ReferralOut, SubjectOut, TimelineEntry


def referral_view(row: Row[Any], timeline: list[Row[Any]]) -> ReferralOut:
    return ReferralOut(
        id=row.id,
        receipt_number=row.receipt_number,
        status=row.status,
        status_at=row.status_at,
        received_at=row.received_at,
        handling_body=BodyOut(id=row.body_id, name=row.body_name) if row.body_id else None,
        category=row.category,
        topics=row.topics,
        channel=row.channel,
        summary=row.summary,
        region=row.region,
        subjects=[_subject(s) for s in row.subjects],
        outcome=row.outcome,
        outcome_summary=row.outcome_summary,
        timeline=[
            TimelineEntry(
                status=t.status,
                occurred_at=t.occurred_at,
                body=BodyOut(id=t.body_id, name=t.body_name) if t.body_id else None,
                note=t.note,
            )
            for t in timeline
        ],
    )


def _subject(stored: dict[str, Any]) -> SubjectOut:
    return SubjectOut(
        name=stored["name"],
        id_number=stored.get("id_number_masked"),
        unit=stored["unit"],
        position=stored.get("position"),
        rank=stored["rank"],
        managing_level=stored["managing_level"],
    )
