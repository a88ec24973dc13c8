"""Metrics, traces and logs, the same in the three services (README, "Operating Guantong").

- metrics.py: what each process counts (Prometheus); facts.py: gauges read when scraped;
  exposition.py: the metrics port of an API (uvicorn's workers merged) and of a worker.
- tracing.py: OpenTelemetry spans from the agency's POST through the outbox and Kafka
  (`ce_traceparent`) to routing and casework; off, at no cost, without OTEL_EXPORTER_OTLP_ENDPOINT.
- logs.py: one logging setup, JSON lines by default; http.py: the middleware that gives each
  request its id, span, access line and metrics (`install(app)`, one line in each app.py).
"""
