"""Agency authentication: an API key, then (for agencies that must sign) the request signature.

Use cases without HTTP: the dependency in deps.py reads the headers and the body and calls
these; each refusal is a CredentialRefused (401).
"""

import time
from datetime import UTC, datetime

from services.intake.agencies.domain import Credential, secret_matches, split_api_key
from services.intake.agencies.signing import (
    NONCE_HEADER,
    NONCE_MARGIN_SECONDS,
    SignedRequest,
    check_signature,
    signature_of,
    unseal_secret,
)
from services.intake.errors import CredentialRefused
from services.intake.reporter.sealing import Sealer, SealError
from services.intake.unit_of_work import IntakeUnitOfWork
from shared.clock import utcnow

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


async def authenticate(uow: IntakeUnitOfWork, cache: KeyCache, presented: str | None) -> Credential:
    """The credential of a presented API key that is known, current and matches."""
    key_id = split_api_key(presented) if presented else None
    if presented is None or key_id is None:
        raise CredentialRefused("an agency API key is required")
    known, credential = cache.get(key_id)
    if not known:
        async with uow:
            credential = await uow.agencies.credential(key_id, utcnow())
        cache.put(key_id, credential)
    if (
        credential is None
        or not credential.usable(utcnow())
        or not secret_matches(presented, credential.key_hash)
    ):
        raise CredentialRefused(_REFUSED)
    return credential


async def verify_signature(
    uow: IntakeUnitOfWork,
    credential: Credential,
    request: SignedRequest,
    *,
    sealer: Sealer,
    window: int,
) -> None:
    """Signed with the agency's secret, fresh, and its nonce never seen before."""
    signature = signature_of(request)
    try:
        secret = unseal_secret(sealer, credential)
    except SealError:
        secret = None  # sealed under a key this deployment no longer has: nothing can verify
    check_signature(request, signature, secret=secret, now=int(time.time()), window=window)
    until = datetime.fromtimestamp(signature.timestamp + window + NONCE_MARGIN_SECONDS, UTC)
    async with uow:
        first_use = await uow.agencies.remember_nonce(
            agency_id=credential.agency_id, nonce=signature.nonce, expires_at=until, now=utcnow()
        )
        await uow.commit()
    if not first_use:
        raise CredentialRefused(f"this {NONCE_HEADER} was already used; sign each request anew")
