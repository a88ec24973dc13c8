"""HTTP models of the webhook API."""

from datetime import datetime
from typing import Any, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from shared.text import Line


class WebhookIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "url": "https://callbacks.audit.example.gov.cn/guantong",
                    "description": "线索办理状态回调",
                }
            ]
        },
    )

    url: Line = Field(min_length=1, max_length=2000, description="http(s), public address")
    description: Line | None = Field(None, max_length=200)


class WebhookOut(BaseModel):
    id: UUID
    url: str
    description: str | None
    created_at: datetime
    secret_rotated_at: datetime | None = None


class WebhookWithSecret(WebhookOut):
    secret: str = Field(
        description="Shown only in this response; verifies webhook-signature (Standard Webhooks)"
    )


class WebhookList(BaseModel):
    items: list[WebhookOut]


class DeliveryOut(BaseModel):
    id: UUID = Field(description="Sent as webhook-id; the same on every retry")
    referral_id: UUID
    status: Literal["pending", "delivered", "failed"]
    attempts: int
    last_status_code: int | None
    last_error: str | None
    created_at: datetime
    next_attempt_at: datetime | None = Field(None, description="Only while pending")
    delivered_at: datetime | None
    event: dict[str, Any] = Field(description="The JSON body that is (or was) sent")


class DeliveryPage(BaseModel):
    items: list[DeliveryOut]
    next_cursor: str | None = Field(None, description="Pass as ?cursor= for older deliveries")
