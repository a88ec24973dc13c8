"""How an agency verifies a Guantong webhook delivery: the Standard Webhooks scheme.

    pip install standardwebhooks

Each delivery is a JSON POST with three headers: `webhook-id` (the delivery's id, the same on
every retry: deduplicate on it), `webhook-timestamp` (Unix seconds) and `webhook-signature`
(`v1,<base64 HMAC-SHA256>`, under the secret `whsec_...` shown once when the webhook was
registered, of `<webhook-id>.<webhook-timestamp>.<raw body>`). The library also refuses a
timestamp more than five minutes from the receiver's clock, so a captured delivery cannot be
replayed later.
"""

from collections.abc import Mapping
from typing import Any

from standardwebhooks import Webhook, WebhookVerificationError


def verify(secret: str, headers: Mapping[str, str], body: bytes) -> Any | None:
    """The parsed event when the delivery is genuine and fresh, else None (answer 401 then).

    `body` must be the raw bytes as received: re-serialised JSON no longer matches.
    """
    try:
        return Webhook(secret).verify(body, dict(headers))
    except (WebhookVerificationError, ValueError):
        return None


def handle(secret: str, headers: Mapping[str, str], body: bytes, seen: set[str]) -> int:
    """A receiver's whole job, as the HTTP status to answer."""
    event = verify(secret, headers, body)
    if event is None:
        return 401  # tampered, stale, or not from Guantong
    delivery = {k.lower(): v for k, v in headers.items()}["webhook-id"]
    if delivery not in seen:  # a retry of a delivery already handled is answered 2xx again
        seen.add(delivery)
        print(event["receipt_number"], event["status"])
    return 204  # any 2xx ends the retries; anything else is retried with backoff
