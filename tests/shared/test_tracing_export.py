"""Tracing is off without OTEL_EXPORTER_OTLP_ENDPOINT, and with it spans reach an OTLP/HTTP
collector (here a receiver of the test's own on loopback) as protobuf at <endpoint>/v1/traces."""

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest

from shared.observability import tracing


@pytest.fixture
def collector() -> Iterator[tuple[str, list[tuple[str, bytes]]]]:
    received: list[tuple[str, bytes]] = []

    class Collector(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            received.append((self.path, self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *_: object) -> None:
            return

    server = HTTPServer(("127.0.0.1", 0), Collector)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", received
    finally:
        server.shutdown()
        server.server_close()
        tracing.use(None)


def test_without_an_endpoint_nothing_is_traced_and_no_header_written() -> None:
    tracing.configure(service="intake", process="api", endpoint=None)
    assert not tracing.enabled()
    assert tracing.message_headers("clue.received") == []


def test_with_an_endpoint_spans_are_exported_by_otlp_http(
    collector: tuple[str, list[tuple[str, bytes]]],
) -> None:
    endpoint, received = collector
    tracing.configure(service="routing", process="worker", endpoint=endpoint)
    headers = tracing.message_headers("clue.routed")
    tracing.flush()
    ((path, body),) = received
    request = ExportTraceServiceRequest()
    request.ParseFromString(body)
    (resource,) = request.resource_spans
    names = [span.name for scope in resource.scope_spans for span in scope.spans]
    service = {a.key: a.value.string_value for a in resource.resource.attributes}["service.name"]
    assert path == "/v1/traces" and names == ["create clue.routed"]
    assert service == "guantong-routing"
    ((name, traceparent),) = headers
    assert name == "ce_traceparent" and traceparent.startswith("00-")
