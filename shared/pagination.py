"""Opaque keyset page cursors: the (timestamp, id) of the last row a page showed."""

import base64
from datetime import datetime
from uuid import UUID

from shared.timestamps import parse_instant


class InvalidCursor(ValueError):
    pass


def encode_cursor(at: datetime, id: UUID) -> str:
    raw = f"{at.isoformat()}|{id}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(token: str) -> tuple[datetime, UUID]:
    """The position back; a token we did not issue is refused rather than guessed at."""
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
        at_text, _, id_text = raw.partition("|")
        # The same range as any instant a client sends: a forged one must not reach the database.
        at, row_id = parse_instant(at_text), UUID(id_text)
    except ValueError as exc:  # binascii.Error and UnicodeDecodeError are ValueErrors too
        raise InvalidCursor("not a cursor this API issued") from exc
    return at, row_id
