"""Verify a Guantong webhook delivery. Standard library only: agencies may copy this file.

    from webhook_verify import verify

    ok = verify(secret, request.headers, raw_body)        # raw bytes, exactly as received
    if not ok:
        return 401                                      # tampered, stale or not from Guantong

The signature is hex HMAC-SHA256, keyed with the webhook's secret, over `<timestamp>.<body>`,
where the timestamp (Unix seconds) is the X-Guantong-Timestamp header. Deliveries older or
newer than `window` seconds are rejected so a captured request cannot be replayed later;
deduplicate retries on the X-Guantong-Delivery header.
"""

import hashlib
import hmac
import time
from collections.abc import Mapping


def verify(
    secret: str,
    headers: Mapping[str, str],
    body: bytes,
    now: float | None = None,
    window: int = 300,
) -> bool:
    """True when the delivery was signed with `secret` within `window` seconds of `now`."""
    lowered = {str(name).lower(): str(value) for name, value in headers.items()}
    timestamp = lowered.get("x-guantong-timestamp", "")
    signature = lowered.get("x-guantong-signature", "").strip().lower()
    if not timestamp.isdigit() or not signature:
        return False
    current = time.time() if now is None else now
    if abs(current - int(timestamp)) > window:
        return False
    expected = hmac.new(
        secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256
    ).hexdigest()
    return hmac.compare_digest(expected, signature)
