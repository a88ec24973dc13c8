"""Staff bearer tokens in FastAPI: one gate per app, one dependency factory for every route."""

from collections.abc import Awaitable, Callable, Iterable
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import Table
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shared.auth import InvalidToken, Principal, TokenVerifier
from shared.problems import Forbidden, Unauthorized
from shared.revocation import is_revoked

# The scheme every staff route names in the OpenAPI document. It refuses nothing itself
# (auto_error=False): the dependency below answers problem+json.
STAFF_BEARER = HTTPBearer(
    auto_error=False,
    scheme_name="staffBearer",
    bearerFormat="JWT",
    description="A staff member's JWT for this service: `Authorization: Bearer <token>`",
)


class TokenGate:
    """Signature, claims, then the service's deny-list: the one way a staff token gets in."""

    def __init__(
        self,
        verifier: TokenVerifier,
        sessions: async_sessionmaker[AsyncSession],
        revoked_tokens: Table,
    ) -> None:
        self.verifier = verifier
        self._sessions = sessions
        self._revoked = revoked_tokens

    async def principal(self, token: str) -> Principal:
        """Raises Unauthorized for any token this service must not accept."""
        try:
            principal = await self.verifier.verify(token)
        except InvalidToken:
            raise Unauthorized("invalid or expired token") from None
        async with self._sessions() as session:
            if await is_revoked(session, self._revoked, principal.token_id):
                raise Unauthorized("this token was revoked")
        return principal


def token_gate(request: Request) -> TokenGate:
    """The app's gate: `tokens` of the typed `app.state.services` its lifespan built."""
    gate = getattr(getattr(request.app.state, "services", None), "tokens", None)
    if not isinstance(gate, TokenGate):
        raise RuntimeError("the app has no token gate: its lifespan did not run")
    return gate


def bearer_principal(
    *, roles: Iterable[str] = (), needs_body: bool = False
) -> Callable[..., Awaitable[Principal]]:
    """A dependency: the caller's verified principal holding at least one of `roles`."""
    wanted = frozenset(roles)

    async def dependency(
        request: Request,
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(STAFF_BEARER)],
    ) -> Principal:
        if credentials is None:
            raise Unauthorized("a staff bearer token is required")
        principal = await token_gate(request).principal(credentials.credentials)
        if wanted and not wanted & principal.roles:
            raise Forbidden(f"this needs the {' or '.join(sorted(wanted))} role")
        if needs_body and principal.body_id is None:
            raise Forbidden("a member of a supervisory body is required")
        return principal

    return dependency
