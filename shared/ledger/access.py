"""The service credential on an internal route: 401 for anything that is not a service token
this API accepts (an agency key, a staff token), 403 for a caller or scope it does not allow."""

from collections.abc import Awaitable, Callable
from functools import cache
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from shared.problems import Forbidden, Unauthorized
from shared.service_tokens import (
    InvalidServiceToken,
    NotAllowed,
    ServiceCaller,
    ServiceTokenVerifier,
    verifier_for,
)
from shared.settings import ServiceSettings

_bearer = HTTPBearer(
    auto_error=False,
    scheme_name="serviceBearer",
    description="A Guantong service credential (routing's, for reconciliation)",
)


@cache
def _verifier(service: str, public_keys: str | None) -> ServiceTokenVerifier:
    return verifier_for(service, public_keys)


def service_caller(
    service: str, scope: str, settings_of: Callable[[Request], ServiceSettings]
) -> Callable[..., Awaitable[ServiceCaller]]:
    async def dependency(
        request: Request,
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    ) -> ServiceCaller:
        if credentials is None:
            raise Unauthorized("a service credential is required")
        verifier = _verifier(service, settings_of(request).service_public_keys)
        try:
            return verifier.verify(credentials.credentials, scope=scope)
        except InvalidServiceToken:
            raise Unauthorized("invalid or expired service credential") from None
        except NotAllowed as refused:
            raise Forbidden(str(refused)) from None

    return dependency
