"""HTTP models of attachment content (declarations are part of referrals/schemas.py)."""

from datetime import datetime

from pydantic import BaseModel


class AttachmentContentOut(BaseModel):
    index: int
    sha256: str
    size: int
    media_type: str
    uploaded_at: datetime
