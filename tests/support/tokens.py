"""Staff tokens as an identity provider would mint them for one service, and broken variants."""

from collections.abc import Iterable
from typing import Any
from uuid import UUID, uuid4

from shared.auth import AUDIENCES, issue_token
from shared.settings import ServiceSettings


def token(
    service: str,
    settings: ServiceSettings | str,
    *,
    roles: Iterable[str],
    body_id: UUID | None = None,
    bodies: Iterable[UUID] = (),
    user: str | None = None,
    name: str = "",
    **options: Any,
) -> str:
    secret = settings if isinstance(settings, str) else settings.hs256_secret()
    return issue_token(
        secret,
        audience=options.pop("audience", AUDIENCES[service]),
        user_id=user or f"user-{uuid4().hex[:8]}",
        body_id=body_id,
        roles=roles,
        bodies=bodies,
        name=name,
        **options,
    )


def bearer(service: str, settings: ServiceSettings | str, **kw: Any) -> dict[str, str]:
    return {"Authorization": f"Bearer {token(service, settings, **kw)}"}
