"""Service credentials: what one service presents to another's internal API (the ledgers).

A service is not a person, so it does not sign in at the identity provider that issues staff
tokens: it signs its own short-lived token (JWT, EdDSA over Ed25519) with a key only it holds,
the way it signs its events, and the called service verifies it with the caller's public key.
No other service holds a key that mints what a ledger accepts (intake's staff key included),
and the reconciler does not depend on the identity provider being up to find what broke.

Production: `<SVC>_SERVICE_SIGNING_KEYS="kid:base64-private[,...]"` (the first signs) and
`GUANTONG_SERVICE_PUBLIC_KEYS="svc:kid:base64-public,..."`. With `GUANTONG_ENV=local` a
service generates its pair once per installation into the secrets folder
(`service-signing-<svc>`) and leaves the public half there (`service-public-<svc>`).
"""

import secrets
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import jwt
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from pydantic import SecretStr

from shared.event_keys import _publish
from shared.events.signing import (
    PublicKeys,
    SigningKey,
    format_private_keys,
    format_public_keys,
    new_signing_key,
    parse_private_keys,
    parse_public_keys,
)
from shared.secrets import MissingSecret, environment, is_local, local_secret, secrets_dir

ALGORITHM = "EdDSA"
TTL_SECONDS = 300
# Tokens are reused until this close to their expiry.
RENEW_BEFORE_SECONDS = 60
LEEWAY_SECONDS = 10
PUBLIC_PREFIX = "service-public-"
LEDGER = "ledger"
LEDGER_READ = "ledger.read"
LEDGER_REPUBLISH = "ledger.republish"
# Which services may call which internal API (like topics.OWNERS for publishing): the
# reconciler is routing's, which owns handoffs (DESIGN.md).
CALLERS: dict[str, frozenset[str]] = {LEDGER: frozenset({"routing"})}


def audience(service: str, api: str = LEDGER) -> str:
    """The audience of one service's internal API: never a staff token's (`guantong-<svc>`)."""
    return f"guantong-{service}-{api}"


def issuer_of(service: str) -> str:
    return f"guantong-service:{service}"


def signing_env_variable(service: str) -> str:
    return f"{service.upper()}_SERVICE_SIGNING_KEYS"


class InvalidServiceToken(Exception):
    """Not a service token this API accepts: 401."""


class NotAllowed(Exception):
    """A genuine service token, but not for this caller or this operation: 403."""


@dataclass(frozen=True)
class ServiceCaller:
    service: str
    scopes: frozenset[str]
    token_id: str

    @property
    def actor(self) -> str:
        return f"service:{self.service}"


class ServiceTokenIssuer:
    def __init__(
        self, service: str, keys: Sequence[SigningKey], *, ttl_seconds: int = TTL_SECONDS
    ) -> None:
        if not keys:
            raise ValueError(f"{service}: no service signing key")
        self.service, self._key, self._ttl = service, keys[0], ttl_seconds
        self._cache: dict[tuple[str, tuple[str, ...]], tuple[str, int]] = {}

    def token(self, *, audience: str, scopes: Iterable[str]) -> str:
        wanted = tuple(sorted(scopes))
        now = int(time.time())
        cached = self._cache.get((audience, wanted))
        if cached is not None and cached[1] - now > RENEW_BEFORE_SECONDS:
            return cached[0]
        claims = {
            "iss": issuer_of(self.service),
            "sub": self.service,
            "aud": audience,
            "scope": " ".join(wanted),
            "jti": secrets.token_urlsafe(16),
            "iat": now,
            "nbf": now,
            "exp": now + self._ttl,
        }
        token = jwt.encode(
            claims, self._key.private, algorithm=ALGORITHM, headers={"kid": self._key.kid}
        )
        self._cache[(audience, wanted)] = (token, now + self._ttl)
        return token


class ServiceTokenVerifier:
    """Verifies tokens meant for one service's internal API (`api`), from its allowed callers."""

    def __init__(
        self,
        service: str,
        keys: PublicKeys,
        *,
        api: str = LEDGER,
        reload: Callable[[], PublicKeys] | None = None,
    ) -> None:
        self.audience = audience(service, api)
        self.callers = CALLERS.get(api, frozenset())
        self._keys = dict(keys)
        self._reload = reload
        self._reloaded_for: set[str] = set()

    def verify(self, token: str, *, scope: str) -> ServiceCaller:
        try:
            kid = str(jwt.get_unverified_header(token).get("kid") or "")
            owner, public = self._key(kid)
            claims = jwt.decode(
                token,
                public,
                algorithms=[ALGORITHM],
                audience=self.audience,
                issuer=issuer_of(owner),
                leeway=LEEWAY_SECONDS,
                options={"require": ["exp", "iat", "nbf", "jti", "iss", "aud", "sub"]},
            )
        except (jwt.PyJWTError, ValueError, TypeError, KeyError) as exc:
            raise InvalidServiceToken(str(exc)) from None
        if claims.get("sub") != owner:
            raise InvalidServiceToken(f"key {kid} of {owner} signed for {claims.get('sub')}")
        caller = ServiceCaller(
            owner, frozenset(str(claims.get("scope", "")).split()), claims["jti"]
        )
        if owner not in self.callers:
            raise NotAllowed(f"{owner} may not call this API")
        if scope not in caller.scopes:
            raise NotAllowed(f"this needs the {scope} scope")
        return caller

    def _key(self, kid: str) -> tuple[str, Ed25519PublicKey]:
        found = self._keys.get(kid)
        if found is None and self._reload is not None and kid and kid not in self._reloaded_for:
            if len(self._reloaded_for) > 10_000:  # made-up ids cannot grow this without bound
                self._reloaded_for.clear()
            self._reloaded_for.add(kid)
            self._keys.update(self._reload())
            found = self._keys.get(kid)
        if found is None:
            raise InvalidServiceToken(f"unknown key id {kid!r}")
        return found


def issuer_for(service: str, configured: SecretStr | None) -> ServiceTokenIssuer:
    text = configured.get_secret_value() if configured else ""
    if text:
        return ServiceTokenIssuer(service, parse_private_keys(text))
    if not is_local():
        raise MissingSecret(
            f"{signing_env_variable(service)} is not set; GUANTONG_ENV={environment()} "
            "needs a real service signing key"
        )

    def generate() -> str:
        return format_private_keys([new_signing_key(f"{service}-svc-{secrets.token_hex(4)}")])

    keys = parse_private_keys(local_secret(f"service-signing-{service}", generate=generate))
    _publish(secrets_dir() / f"{PUBLIC_PREFIX}{service}", format_public_keys(service, keys))
    return ServiceTokenIssuer(service, keys)


def verifier_for(service: str, configured_public: str | None) -> ServiceTokenVerifier:
    keys = parse_public_keys(configured_public or "")
    if not is_local():
        return ServiceTokenVerifier(service, keys)
    return ServiceTokenVerifier(service, {**local_public_keys(), **keys}, reload=local_public_keys)


def local_public_keys() -> PublicKeys:
    folder = secrets_dir()
    keys: PublicKeys = {}
    if folder.is_dir():
        for path in sorted(folder.glob(PUBLIC_PREFIX + "*")):
            keys.update(parse_public_keys(path.read_text()))
    return keys
