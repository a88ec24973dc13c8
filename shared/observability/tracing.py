"""OpenTelemetry traces: one trace from the agency's POST through the outbox, Kafka, routing and
casework.

The trace context crosses each hop in W3C form: an HTTP request's `traceparent` header; an
outbox row's `ce_traceparent` header (the CloudEvents distributed-tracing extension in the
Kafka binding), written with the row in the state change's transaction, so the relay and every
consumer continue the trace of the request or event that caused it. Spans:
- `POST /v1/referrals` (server) per request (http.py);
- `create <topic>` (producer) per event staged in the outbox: the message's own context;
- `send <topic>` (producer) per row the relay publishes, child of `create`;
- `process <topic>` (consumer) per event applied, child of `create`; what the handler stages
  is its child in turn.
The signature of an event (shared/events/signing.py) covers the CloudEvents attributes and the
value, not `ce_traceparent`: telemetry may be rewritten by nobody who matters, and adding the
header changes no signed byte, so producers with tracing on and off verify alike.

Off (no OTEL_EXPORTER_OTLP_ENDPOINT): no provider, every function returns at its first line,
no header is written.
"""

import contextlib
import logging
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from opentelemetry import trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from opentelemetry.trace import Span, SpanKind, Status, StatusCode, Tracer
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

log = logging.getLogger(__name__)

TRACEPARENT = "ce_traceparent"
TRACESTATE = "ce_tracestate"
_W3C = TraceContextTextMapPropagator()
_tracer: Tracer | None = None
_provider: TracerProvider | None = None


def configure(*, service: str, process: str, endpoint: str | None) -> None:
    """Exports spans by OTLP/HTTP to `endpoint` (OTEL_EXPORTER_OTLP_ENDPOINT, the collector's
    base URL); without one, tracing stays off. Other OTEL_* variables (headers, sampler, batch
    sizes) are read by the SDK as usual."""
    if not endpoint:
        return
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

    resource = Resource.create(
        {"service.name": f"guantong-{service}", "service.namespace": "guantong"}
        | {"guantong.process": process}
    )
    provider = TracerProvider(resource=resource)
    exporter = OTLPSpanExporter(endpoint=endpoint.rstrip("/") + "/v1/traces")
    provider.add_span_processor(BatchSpanProcessor(exporter))
    use(provider)
    log.info("tracing: exporting spans to %s", endpoint)


def use(provider: TracerProvider | None) -> None:
    """Turns tracing on with this provider, or off (None). Tests hand in one with the SDK's
    in-memory exporter."""
    global _tracer, _provider
    _provider = provider
    _tracer = provider.get_tracer("guantong") if provider is not None else None


def enabled() -> bool:
    return _tracer is not None


def flush(timeout_millis: int = 5000) -> None:
    if _provider is not None:
        _provider.force_flush(timeout_millis)


def current_ids() -> tuple[str, str] | None:
    """(trace id, span id) of the span in hand, for log lines."""
    if _tracer is None:
        return None
    context = trace.get_current_span().get_span_context()
    if not context.is_valid:
        return None
    return f"{context.trace_id:032x}", f"{context.span_id:016x}"


def server_span(method: str, headers: Iterable[tuple[bytes, bytes]]) -> Span | None:
    """An HTTP request's span, continuing the caller's trace when it sent a `traceparent`."""
    if _tracer is None:
        return None
    carrier = {
        name.decode("latin-1"): value.decode("latin-1")
        for name, value in headers
        if name in (b"traceparent", b"tracestate")
    }
    return _tracer.start_span(
        method,
        context=_W3C.extract(carrier),
        kind=SpanKind.SERVER,
        attributes={"http.request.method": method},
    )


def finish_server_span(span: Span | None, *, method: str, route: str, status: int) -> None:
    if span is None:
        return
    span.update_name(f"{method} {route}")
    span.set_attribute("http.route", route)
    span.set_attribute("http.response.status_code", status)
    if status >= 500:
        span.set_status(Status(StatusCode.ERROR))
    span.end()


@contextlib.contextmanager
def active(span: Span | None) -> Iterator[None]:
    if span is None:
        yield
        return
    with trace.use_span(span, end_on_exit=False):
        yield


def message_headers(topic: str) -> list[list[str]]:
    """The `ce_traceparent` (and `ce_tracestate`) of a new event, as an outbox row stores its
    headers: the context of a `create <topic>` span, child of the span in hand."""
    if _tracer is None:
        return []
    span = _tracer.start_span(
        f"create {topic}", kind=SpanKind.PRODUCER, attributes=_messaging(topic, "create")
    )
    span.end()
    carrier: dict[str, str] = {}
    _W3C.inject(carrier, context=trace.set_span_in_context(span))
    return [[TRACEPARENT, carrier["traceparent"]]] + (
        [[TRACESTATE, carrier["tracestate"]]] if carrier.get("tracestate") else []
    )


def send_span(topic: str, headers: Iterable[Sequence[Any]]) -> Span | None:
    """The relay's span for publishing one row, child of the row's `create` span."""
    if _tracer is None:
        return None
    return _tracer.start_span(
        f"send {topic}",
        context=_W3C.extract(_carrier(headers)),
        kind=SpanKind.PRODUCER,
        attributes=_messaging(topic, "send"),
    )


def end_span(span: Span | None, error: BaseException | None = None) -> None:
    if span is None:
        return
    if error is not None:
        span.set_status(Status(StatusCode.ERROR, type(error).__name__))
    span.end()


def traceparent(headers: Iterable[tuple[str, bytes]] | None) -> str | None:
    """The W3C context a Kafka record carries, if any (only read when tracing is on)."""
    if _tracer is None:
        return None
    for name, value in headers or ():
        if name == TRACEPARENT:
            return value.decode("ascii", "replace")
    return None


@contextlib.contextmanager
def processing(consumer: str, topic: str, parent: str | None) -> Iterator[None]:
    """A consumer applying one event: child of the event's `create` span."""
    if _tracer is None:
        yield
        return
    attributes = _messaging(topic, "process") | {"messaging.consumer.group.name": consumer}
    # Not the SDK's exception event: an exception's message may quote the event's data.
    with _tracer.start_as_current_span(
        f"process {topic}",
        context=_W3C.extract({"traceparent": parent} if parent else {}),
        kind=SpanKind.CONSUMER,
        attributes=attributes,
        record_exception=False,
        set_status_on_exception=False,
    ) as span:
        try:
            yield
        except Exception as exc:
            span.set_status(Status(StatusCode.ERROR, type(exc).__name__))
            raise


def _carrier(headers: Iterable[Sequence[Any]]) -> dict[str, str]:
    wanted = {TRACEPARENT: "traceparent", TRACESTATE: "tracestate"}
    found: dict[str, str] = {}
    for name, value in headers:
        if name in wanted:
            text = value.decode("ascii", "replace") if isinstance(value, bytes) else str(value)
            found[wanted[name]] = text
    return found


def _messaging(topic: str, operation: str) -> dict[str, str]:
    return {
        "messaging.system": "kafka",
        "messaging.operation.type": operation,
        "messaging.destination.name": topic,
    }
