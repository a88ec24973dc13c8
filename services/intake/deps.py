"""Typed app state and the routes' dependencies: `Services` (built once in the lifespan, kept
as app.state.services), and the Annotated aliases every route uses."""

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer

from services.intake import orm
from services.intake.agencies.authentication import KeyCache, authenticate, verify_signature
from services.intake.agencies.domain import known_kind
from services.intake.agencies.ratelimit import RateLimiter
from services.intake.agencies.signing import SignedRequest
from services.intake.attachments.domain import AttachmentPolicy
from services.intake.attachments.store import AttachmentStore
from services.intake.referrals.domain import Protection, Sender
from services.intake.reporter.sealing import Sealer
from services.intake.settings import SERVICE, Settings
from services.intake.unit_of_work import IntakeUnitOfWork
from shared.auth import Principal, TokenVerifier
from shared.bearer import TokenGate, bearer_principal
from shared.runtime import Runtime, RuntimeFactory, services_of

ADMIN_ROLE = "intake_admin"


@dataclass(frozen=True)
class Services:
    settings: Settings
    runtime: Runtime
    tokens: TokenGate
    sealer: Sealer
    key_cache: KeyCache
    rate_limiter: RateLimiter
    attachment_store: AttachmentStore

    @classmethod
    def build(cls, settings: Settings, runtime: RuntimeFactory = Runtime.build) -> "Services":
        built = runtime(SERVICE, settings, orm.metadata)
        verifier = TokenVerifier.for_service(SERVICE, settings)
        return cls(
            settings=settings,
            runtime=built,
            tokens=TokenGate(verifier, built.sessions, orm.revoked_tokens),
            sealer=Sealer.from_spec(settings.seal_keys.get_secret_value()),
            key_cache=KeyCache(ttl_seconds=settings.key_cache_ttl_seconds),
            rate_limiter=RateLimiter.of(settings),
            attachment_store=AttachmentStore(Path(settings.attachment_dir)),
        )

    def uow(self) -> IntakeUnitOfWork:
        """Not entered: the use case enters it and commits."""
        return IntakeUnitOfWork.of(self.runtime)

    def registry_uow(self) -> IntakeUnitOfWork:
        """For registry changes: after its commit this process forgets the keys it verified."""
        return IntakeUnitOfWork.of(self.runtime, after_commit=self.key_cache.clear)

    def attachment_policy(self) -> AttachmentPolicy:
        s = self.settings
        return AttachmentPolicy.of(s.attachment_media_types, s.attachment_max_bytes)

    def protection(self) -> Protection:
        return Protection(self.sealer, self.settings.id_hash_pepper.get_secret_value())

    def idempotency_window(self) -> timedelta:
        return timedelta(hours=self.settings.idempotency_window_hours)


ServicesDep = Annotated[Services, Depends(services_of(Services))]


def settings(found: ServicesDep) -> Settings:
    return found.settings


def uow(found: ServicesDep) -> IntakeUnitOfWork:
    return found.uow()


SettingsDep = Annotated[Settings, Depends(settings)]
UowDep = Annotated[IntakeUnitOfWork, Depends(uow)]


# An agency's key travels either way; the OpenAPI document names both schemes on every agency
# route. Neither refuses by itself (auto_error=False): authenticate() answers problem+json.
AGENCY_BEARER = HTTPBearer(
    auto_error=False,
    scheme_name="agencyKey",
    description="An agency's API key: `Authorization: Bearer <key>`",
)
AGENCY_HEADER = APIKeyHeader(
    name="X-API-Key",
    auto_error=False,
    scheme_name="agencyApiKey",
    description="An agency's API key in `X-API-Key` (for clients that cannot set Authorization)",
)


def presented_key(
    bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(AGENCY_BEARER)],
    header: Annotated[str | None, Depends(AGENCY_HEADER)],
) -> str | None:
    return bearer.credentials.strip() if bearer is not None else header


async def current_agency(
    request: Request, found: ServicesDep, key: Annotated[str | None, Depends(presented_key)]
) -> Sender:
    """The agency whose API key the request carries (and whose signature, if it must sign)."""
    credential = await authenticate(found.uow(), found.key_cache, key)
    request.state.agency_id = credential.agency_id  # for the access log
    # Limit before verifying a signature, so a flood of forged ones costs no database write.
    await found.rate_limiter.check(credential.agency_id)
    if credential.require_signature:
        signed = SignedRequest(
            method=request.method,
            path=request.scope.get("raw_path", b"").decode("latin-1") or request.url.path,
            query=request.scope.get("query_string", b"").decode("latin-1"),
            headers=request.headers,
            body=await request.body(),
        )
        window = found.settings.signature_window_seconds
        await verify_signature(found.uow(), credential, signed, sealer=found.sealer, window=window)
    kind = known_kind(credential.agency_kind)
    return Sender(id=credential.agency_id, name=credential.agency_name, kind=kind)


CurrentAgency = Annotated[Sender, Depends(current_agency)]
# Staff of intake's registry administration (the reporter's unsealing audits its own refusals).
CurrentStaff = Annotated[Principal, Depends(bearer_principal(roles=[ADMIN_ROLE]))]
