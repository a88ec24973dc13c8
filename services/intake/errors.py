"""Intake's one error hierarchy, raised by its domain and use cases, and PROBLEMS: how each
reads as problem+json, installed once in app.py. Acting on another agency's data is 404."""

from collections.abc import Callable
from typing import Any
from uuid import UUID

from shared.problems import (
    Conflict,
    NotFound,
    Problem,
    Unauthorized,
    Unprocessable,
    ValidationFailed,
)


class IntakeError(Exception):
    """Base of every refusal intake's domain and use cases make."""


class NotOwned(IntakeError):
    """Another agency's id, or no such id: the caller cannot tell which, the audit log can."""

    def __init__(self, detail: str, *, agency_id: UUID, target: str) -> None:
        super().__init__(detail)
        self.agency_id, self.target = agency_id, target


class UnknownReferral(IntakeError):
    """An event about a referral intake never accepted (the consumer dead-letters it)."""


class ReferralRejected(IntakeError):
    """What the schema cannot check (the deployment's attachment rules), named per field."""

    def __init__(self, errors: list[dict[str, str]]) -> None:
        super().__init__("; ".join(f"{e['field']}: {e['message']}" for e in errors))
        self.errors = errors


class IdempotencyMismatch(IntakeError):
    """The Idempotency-Key was used before with a different request body."""


class IdempotencyInFlight(IntakeError):
    """The first request with this Idempotency-Key is still being processed."""


class ContentRejected(IntakeError):
    """Uploaded attachment content that is not what the referral declared; nothing is kept."""

    def __init__(self, detail: str, *, field: str = "body") -> None:
        super().__init__(detail)
        self.detail, self.field = detail, field


class ContentTypeRefused(ContentRejected):
    """The upload's media type is not the declared one, or not accepted here."""


class ContentTooLarge(ContentRejected):
    """The declared size is over what this deployment accepts."""


class CredentialRefused(IntakeError):
    """No usable agency credential, or a request signature that does not hold."""


class RateLimited(IntakeError):
    def __init__(self, retry_after: int) -> None:
        super().__init__(f"this agency's rate limit is exhausted; retry after {retry_after} s")
        self.retry_after = retry_after


class AgencyNotFound(IntakeError):
    pass


class DuplicateAgency(IntakeError):
    pass


class AgencyRejected(IntakeError):
    """A registry entry the schema let through but the registry cannot take."""

    def __init__(self, detail: str, *, field: str, message: str) -> None:
        super().__init__(detail)
        self.field, self.message = field, message


class KeyNotFound(IntakeError):
    pass


class KeyAlreadyRevoked(IntakeError):
    pass


class ReporterNotFound(IntakeError):
    """No such referral, or not one the unsealer's bodies handle."""


class TooManyWebhooks(IntakeError):
    pass


class UnsafeUrl(IntakeError, ValueError):
    """The URL is malformed, not http(s), or reaches an address intake must not call."""


class _NoAgency(NotFound):
    slug, title = "agency-not-found", "No such agency"


class _AgencyExists(Conflict):
    slug, title = "agency-exists", "An agency with this credit code exists"


class _NoKey(NotFound):
    slug, title = "api-key-not-found", "No such API key"


class _KeyRevoked(Conflict):
    slug, title = "api-key-revoked", "The API key is revoked"


class _TooManyWebhooks(Unprocessable):
    slug = "too-many-webhooks"


def _content(status: int) -> Callable[[ContentRejected], Problem]:
    def problem(exc: ContentRejected) -> Problem:
        return Problem(
            f"{exc.detail}; nothing was kept",
            status=status,
            slug="attachment-content",
            title="Attachment content rejected",
            errors=[{"field": exc.field, "message": exc.detail}],
        )

    return problem


def _mismatch(exc: IdempotencyMismatch) -> Problem:
    return Problem(
        "this Idempotency-Key was first used with another request body",
        status=422,
        slug="idempotency-mismatch",
        title="Idempotency-Key reused with a different request",
    )


def _in_flight(exc: IdempotencyInFlight) -> Problem:
    return Problem(
        "the first request with this key has not finished; retry with the same key",
        status=409,
        slug="idempotency-in-flight",
        title="A request with this Idempotency-Key is still in flight",
        headers={"Retry-After": "1"},
    )


def _rate_limited(exc: RateLimited) -> Problem:
    return Problem(
        str(exc),
        status=429,
        slug="rate-limited",
        title="Too many requests",
        headers={"Retry-After": str(exc.retry_after)},
    )


def _agency_rejected(exc: AgencyRejected) -> Problem:
    return Unprocessable(str(exc), errors=[{"field": exc.field, "message": exc.message}])


def _unsafe_url(exc: UnsafeUrl) -> Problem:
    errors = [{"field": "url", "message": str(exc)}]
    return Unprocessable(str(exc), slug="unsafe-callback-url", errors=errors)


# Typed loosely: each function takes its own error type, which a dict's value type cannot say.
PROBLEMS: dict[type[IntakeError], type[Problem] | Callable[[Any], Problem]] = {
    NotOwned: NotFound,
    ReporterNotFound: NotFound,
    ReferralRejected: lambda exc: ValidationFailed(exc.errors),
    IdempotencyMismatch: _mismatch,
    IdempotencyInFlight: _in_flight,
    ContentRejected: _content(422),
    ContentTypeRefused: _content(415),
    ContentTooLarge: _content(413),
    CredentialRefused: lambda exc: Unauthorized(str(exc)),
    RateLimited: _rate_limited,
    AgencyNotFound: _NoAgency,
    DuplicateAgency: _AgencyExists,
    AgencyRejected: _agency_rejected,
    KeyNotFound: _NoKey,
    KeyAlreadyRevoked: _KeyRevoked,
    TooManyWebhooks: _TooManyWebhooks,
    UnsafeUrl: _unsafe_url,
}
