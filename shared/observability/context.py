"""What a log line says about the work in hand: the HTTP request it belongs to."""

from contextvars import ContextVar

request_id: ContextVar[str | None] = ContextVar("guantong_request_id", default=None)
