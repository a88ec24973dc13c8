"""Agency authentication: an API key in `Authorization: Bearer` or `X-API-Key`."""

import time
from typing import Annotated

from fastapi import Depends, Request

from services.intake.agencies import Credential, active_credential
from services.intake.commands import Agency
from services.intake.ratelimit import RateLimiter
from services.intake.signing import verify_request
from shared.auth import secret_matches, split_api_key
from shared.clock import utcnow
from shared.problems import Unauthorized
from shared.runtime import Runtime

_REFUSED = "unknown, revoked or disabled API key"


class KeyCache:
    """What the database said about a key id, trusted for a fixed time from that read.

    A hit never extends an entry, so a revocation or a disabled agency reaches every worker
    within `ttl_seconds` however busy the key is. An unknown key id is kept too (as None), so
    repeating it costs no lookup.
    """

    def __init__(self, ttl_seconds: float, max_entries: int = 100_000) -> None:
        self._ttl, self._max = ttl_seconds, max_entries
        self._entries: dict[str, tuple[float, Credential | None]] = {}

    def get(self, key_id: str) -> tuple[bool, Credential | None]:
        """(whether the cache knows the key id, the credential or None if unknown)."""
        entry = self._entries.get(key_id)
        if entry is None or entry[0] <= time.monotonic():
            self._entries.pop(key_id, None)
            return False, None
        return True, entry[1]

    def put(self, key_id: str, key: Credential | None) -> None:
        """Only after a database read: the entry's age is the age of what the database said."""
        if len(self._entries) >= self._max:
            self._entries.clear()
        self._entries[key_id] = (time.monotonic() + self._ttl, key)

    def clear(self) -> None:
        self._entries.clear()


def _presented_key(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value:
        return value.strip()
    return request.headers.get("x-api-key")


async def _credential(request: Request, key_id: str) -> Credential | None:
    cache: KeyCache = request.app.state.key_cache
    known, key = cache.get(key_id)
    if not known:
        runtime: Runtime = request.app.state.runtime
        async with runtime.sessions() as session:
            key = await active_credential(session, key_id)
        cache.put(key_id, key)
    return key


async def current_agency(request: Request) -> Agency:
    plaintext = _presented_key(request)
    key_id = split_api_key(plaintext) if plaintext else None
    if plaintext is None or key_id is None:
        raise Unauthorized("an agency API key is required")
    key = await _credential(request, key_id)
    if key is None or not key.usable(utcnow()) or not secret_matches(plaintext, key.key_hash):
        raise Unauthorized(_REFUSED)
    request.state.agency_id = key.agency_id
    # Limit before verifying a signature, so a flood of forged ones costs no database write.
    limiter: RateLimiter = request.app.state.rate_limiter
    limiter.check(key.agency_id)
    if key.require_signature:
        await verify_request(request, key)
    return Agency(id=key.agency_id, name=key.agency_name)


CurrentAgency = Annotated[Agency, Depends(current_agency)]
