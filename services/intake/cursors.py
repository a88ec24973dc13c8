"""Opaque page cursors: the (received_at, id) of the last referral a page showed."""

import base64
import binascii
import json
from datetime import datetime
from uuid import UUID


class BadCursor(ValueError):
    pass


def encode_cursor(received_at: datetime, referral_id: UUID) -> str:
    raw = json.dumps([received_at.isoformat(), str(referral_id)], separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, UUID]:
    try:
        padded = cursor.encode("ascii") + b"=" * (-len(cursor) % 4)
        at_text, id_text = json.loads(base64.urlsafe_b64decode(padded))
        at, referral_id = datetime.fromisoformat(at_text), UUID(id_text)
    except (ValueError, TypeError, AttributeError, binascii.Error) as exc:
        raise BadCursor("not a cursor this API issued") from exc
    if at.tzinfo is None:
        raise BadCursor("not a cursor this API issued")
    return at, referral_id
