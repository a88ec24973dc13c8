"""What an agency asks of its webhooks: plain data, free of HTTP models."""

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID


@dataclass(frozen=True, kw_only=True)
class RegisterWebhook:
    agency_id: UUID
    url: str
    description: str | None = None


@dataclass(frozen=True, kw_only=True)
class OneWebhook:
    """Delete it, rotate its secret: another agency's webhook reads as absent."""

    agency_id: UUID
    webhook_id: UUID


@dataclass(frozen=True, kw_only=True)
class DeliveryLog:
    agency_id: UUID
    webhook_id: UUID
    limit: int
    before: tuple[datetime, UUID] | None = None  # (created_at, id) of the previous page's last
