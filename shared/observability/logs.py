"""One logging setup for every process of the three services: JSON lines by default.

Our modules, uvicorn and aiokafka all log through the standard library; one structlog
`ProcessorFormatter` on the root handler renders every record the same way, so nothing has to
change how it logs. structlog, rather than a bare JSON formatter, because the same processor
chain gives a readable console rendering for a developer (`GUANTONG_LOG_FORMAT=console`, what
`make run` uses) and it is a well-kept library with stdlib integration built in.

Each line: time (UTC, RFC 3339), level, service, process (api or worker), logger, event (the
message), request_id and trace_id/span_id when there are, and the access fields of http.py.
An exception is rendered in JSON as its type and stack frames only: an exception's message can
quote the data it choked on, and a log line never carries a reporter's or a subject's data.
"""

import logging
import logging.config
import os
import sys
import traceback
from types import TracebackType
from typing import Any

import structlog
from structlog.typing import EventDict, Processor, WrappedLogger

from shared.observability import tracing
from shared.observability.context import request_id

FORMAT_VARIABLE = "GUANTONG_LOG_FORMAT"
LEVEL_VARIABLE = "GUANTONG_LOG_LEVEL"
# Fields a caller may pass with `extra=` that the line keeps (the access line's).
EXTRA_FIELDS = ("method", "route", "path", "status", "duration_ms", "agency", "request_id")
# Quiet by default: their INFO lines are about connections, not about Guantong's work.
QUIET_LOGGERS = ("aiokafka", "kafka", "httpx", "httpcore", "asyncio")


def _context(service: str, process: str) -> Processor:
    def add(_: WrappedLogger, __: str, event: EventDict) -> EventDict:
        event["service"] = service
        event["process"] = process
        if (current := request_id.get()) is not None:
            event["request_id"] = current
        if (ids := tracing.current_ids()) is not None:
            event["trace_id"], event["span_id"] = ids
        return event

    return add


def _safe_exception(_: WrappedLogger, __: str, event: EventDict) -> EventDict:
    """The exception's type (and its causes') and where it was raised; never its message."""
    info = event.pop("exc_info", None)
    if not info:
        return event
    if info is True:
        info = sys.exc_info()
    if isinstance(info, BaseException):
        info = (type(info), info, info.__traceback__)
    error: BaseException | None = info[1]
    chain: list[dict[str, Any]] = []
    while error is not None and len(chain) < 5:
        chain.append({"type": _qualified(type(error)), "frames": _frames(error.__traceback__)})
        error = error.__cause__ or error.__context__
    event["exception"] = chain
    return event


def _qualified(kind: type[BaseException]) -> str:
    name = kind.__qualname__
    return name if kind.__module__ == "builtins" else f"{kind.__module__}.{name}"


def _frames(tb: TracebackType | None) -> list[str]:
    return [f"{f.filename}:{f.lineno} {f.name}" for f in traceback.extract_tb(tb)[-12:]]


FIRST = ("time", "level", "service", "process", "logger", "request_id", "trace_id", "span_id")


def _ordered(_: WrappedLogger, __: str, event: EventDict) -> EventDict:
    """The same fields first on every line, the message after them, then the rest."""
    head = {name: event.pop(name) for name in FIRST if name in event}
    return {**head, "event": event.pop("event", ""), **event}


def formatter(*, service: str, process: str, style: str = "json") -> logging.Formatter:
    """The formatter of every handler (named in logging_config, so uvicorn's workers build it)."""
    shared: list[Processor] = [
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True, key="time"),
        structlog.stdlib.ExtraAdder(allow=EXTRA_FIELDS),
        _context(service, process),
    ]
    if style == "console":
        console = structlog.dev.ConsoleRenderer(
            colors=False, timestamp_key="time", exception_formatter=structlog.dev.plain_traceback
        )
        render: list[Processor] = [console]
    else:
        render = [
            _safe_exception,
            _ordered,
            structlog.processors.JSONRenderer(ensure_ascii=False),
        ]
    return structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=shared,
        processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, *render],
    )


def logging_config(service: str, process: str) -> dict[str, Any]:
    """For logging.config.dictConfig and for uvicorn's `log_config` (its workers apply it)."""
    style = os.environ.get(FORMAT_VARIABLE, "json").strip().lower()
    level = os.environ.get(LEVEL_VARIABLE, "INFO").strip().upper()
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "guantong": {
                "()": "shared.observability.logs.formatter",
                "service": service,
                "process": process,
                "style": "console" if style == "console" else "json",
            }
        },
        "handlers": {
            "default": {
                "class": "logging.StreamHandler",
                "formatter": "guantong",
                "stream": "ext://sys.stderr",
            }
        },
        "root": {"handlers": ["default"], "level": level},
        "loggers": {
            # uvicorn's own handlers go: its lines reach the root handler like every other.
            "uvicorn": {"handlers": [], "propagate": True},
            "uvicorn.error": {"handlers": [], "propagate": True},
            # Its access line carries the query string and the client's address: http.py
            # writes the access line instead.
            "uvicorn.access": {"handlers": [], "propagate": False},
            **{name: {"level": "WARNING"} for name in QUIET_LOGGERS},
        },
    }


def configure(service: str, process: str) -> None:
    """For a process uvicorn does not start (the worker, the API's parent before uvicorn)."""
    logging.config.dictConfig(logging_config(service, process))
