"""Agency authentication: an API key in `Authorization: Bearer` or `X-API-Key`."""

import time
from typing import Annotated

from fastapi import Depends, Request

from services.intake.agencies import Credential, active_credential
from services.intake.commands import Agency
from services.intake.ratelimit import RateLimiter
from services.intake.signing import verify_request
from shared.auth import secret_matches, split_api_key
from shared.problems import Unauthorized
from shared.runtime import Runtime


class KeyCache:
    """Seconds-long memory of verified keys, so a burst of referrals costs one lookup."""

    def __init__(self, ttl_seconds: float) -> None:
        self._ttl = ttl_seconds
        self._entries: dict[str, tuple[float, Credential]] = {}

    def get(self, key_id: str) -> Credential | None:
        entry = self._entries.get(key_id)
        if entry is None or entry[0] < time.monotonic():
            self._entries.pop(key_id, None)
            return None
        return entry[1]

    def put(self, key_id: str, key: Credential) -> None:
        self._entries[key_id] = (time.monotonic() + self._ttl, key)

    def clear(self) -> None:
        self._entries.clear()


def _presented_key(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value:
        return value.strip()
    return request.headers.get("x-api-key")


async def current_agency(request: Request) -> Agency:
    plaintext = _presented_key(request)
    key_id = split_api_key(plaintext) if plaintext else None
    if plaintext is None or key_id is None:
        raise Unauthorized("an agency API key is required")
    runtime: Runtime = request.app.state.runtime
    cache: KeyCache = request.app.state.key_cache
    key = cache.get(key_id)
    if key is None:
        async with runtime.sessions() as session:
            key = await active_credential(session, key_id)
        if key is None:
            raise Unauthorized("unknown, revoked or disabled API key")
    if not secret_matches(plaintext, key.key_hash):
        raise Unauthorized("unknown, revoked or disabled API key")
    cache.put(key_id, key)
    # Limit before verifying a signature, so a flood of forged ones costs no database write.
    limiter: RateLimiter = request.app.state.rate_limiter
    limiter.check(key.agency_id)
    if key.require_signature:
        await verify_request(request, key)
    return Agency(id=key.agency_id, name=key.agency_name)


CurrentAgency = Annotated[Agency, Depends(current_agency)]
