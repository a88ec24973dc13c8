"""The one allow-list: variables the services read that deploy/compose.yaml or deploy/k8s
leave unset on purpose (the code's default applies), each with why. `*_` stands for every
service's prefix (INTAKE_, ROUTING_, CASEWORK_). Everything else must be set in both."""

LEFT_TO_DEFAULT: dict[str, str] = {
    "GUANTONG_SECRETS_DIR": "only GUANTONG_ENV=local generates secrets into a folder",
    "GUANTONG_REDIS_KEY_PREFIX": "one deployment per Redis; set it when several share one",
    # Tokens: production verifies RS256 from the identity provider's JWKS; compose has no
    # identity provider and verifies HS256 under each service's own secret.
    "*_JWT_SECRET": "Kubernetes verifies RS256 tokens from *_JWT_JWKS_URL instead",
    "*_JWT_JWKS_URL": "compose has no identity provider: HS256 under *_JWT_SECRET",
    "KAFKA_SSL_CAFILE": "compose's brokers speak SASL_PLAINTEXT on the compose network",
    "KAFKA_SSL_CERTFILE": "SCRAM authenticates the service; no client certificate",
    "KAFKA_SSL_KEYFILE": "SCRAM authenticates the service; no client certificate",
    "KAFKA_SESSION_TIMEOUT_MS": "6 s, the brokers' minimum: a dead worker's partitions move fast",
    "KAFKA_MAX_REQUEST_BYTES": "1 MiB, the brokers' default message.max.bytes",
    "*_FAILED_AUTH_PER_SECOND": "per-address brake on failed logins; the default is the policy",
    "*_FAILED_AUTH_BURST": "per-address brake on failed logins; the default is the policy",
    "*_OUTBOX_RETENTION_HOURS": "7 days of published rows, to replay after a cluster loss",
    "*_OUTBOX_POLL_SECONDS": "relay tuning; PostgreSQL's NOTIFY wakes it",
    "*_OUTBOX_NOTIFY_POLL_SECONDS": "relay tuning; a safety net behind NOTIFY",
    "*_OUTBOX_BATCH_SIZE": "relay tuning",
    "*_OUTBOX_MAX_ATTEMPTS": "failure policy of DESIGN.md",
    "*_OUTBOX_BACKOFF_MAX_SECONDS": "failure policy of DESIGN.md",
    "*_CONSUMER_MAX_ATTEMPTS": "failure policy of DESIGN.md",
    "*_CONSUMER_BACKOFF_MAX_SECONDS": "failure policy of DESIGN.md",
    "*_LEASE_RETRY_SECONDS": "how fast another worker takes over a lease: seconds, as designed",
    "*_HEARTBEAT_SECONDS": "worker liveness for /readyz, as designed",
    "*_HEARTBEAT_STALE_SECONDS": "worker liveness for /readyz, as designed",
    "*_RUN_CONSUMERS": "a worker runs its consumers; scale by replicas, not by role switches",
    "*_RUN_RELAY": "a worker runs the relay under its lease",
    "OTEL_EXPORTER_OTLP_ENDPOINT": "tracing is off until the operator runs an OTLP collector",
    "INTAKE_IDEMPOTENCY_WINDOW_HOURS": "24 h, the API contract",
    "INTAKE_IDEMPOTENCY_PRUNE_SECONDS": "hourly pruning under a lease",
    "INTAKE_ATTACHMENT_MAX_BYTES": "25 MiB, the API contract",
    "INTAKE_ATTACHMENT_MEDIA_TYPES": "the API contract",
    "INTAKE_RUN_WEBHOOKS": "intake's workers deliver webhooks (rows are leased)",
    "INTAKE_WEBHOOK_MAX_ATTEMPTS": "delivery policy",
    "INTAKE_WEBHOOK_TIMEOUT_SECONDS": "delivery policy",
    "INTAKE_WEBHOOK_BACKOFF_BASE_SECONDS": "delivery policy",
    "INTAKE_WEBHOOK_BACKOFF_MAX_SECONDS": "delivery policy",
    "INTAKE_WEBHOOK_POLL_SECONDS": "delivery policy",
    "INTAKE_WEBHOOK_MAX_PER_AGENCY": "API limit",
    "INTAKE_MAX_BODY_BYTES": "API limit",
    "INTAKE_KEY_CACHE_TTL_SECONDS": "bounds how late a revoked key is noticed: 5 s",
    "INTAKE_SIGNATURE_WINDOW_SECONDS": "signed-request replay window of the API contract",
    "INTAKE_RATE_LIMIT_PER_SECOND": "per-agency rate of the API contract",
    "INTAKE_RATE_LIMIT_BURST": "per-agency rate of the API contract",
    "ROUTING_FORWARDING_WORKING_DAYS": "DOMAIN.md default: forward within 5 working days",
    "ROUTING_DRY_RUN_MAX_CLUES": "bounds one dry run's work (API limit)",
    "ROUTING_RECONCILE_SETTLE_SECONDS": "5 minutes: a change younger than that may be in flight",
    "ROUTING_RECONCILE_POLL_SECONDS": "how soon the worker sees a run the office asked for",
    "CASEWORK_SIGN_FOR_DAYS": "the domain's default clock for signing for (签收)",
    "CASEWORK_FORWARD_DAYS": "DOMAIN.md default: forward within 5 working days (Reg Arts 169, 171)",
    "CASEWORK_HANDLING_OPINION_MONTHS": "DOMAIN.md default: handling opinion within 1 month",
    "CASEWORK_INQUIRY_REPLY_DAYS": "DOMAIN.md default: inquiry reply within 15 working days",
    "CASEWORK_ASSIGNED_DOWN_MONTHS": "DOMAIN.md default: 交办件 within 3 months",
    "CASEWORK_ASSIGNED_DOWN_EXTENSION_MONTHS": "DOMAIN.md default: +3 months with approval",
    "CASEWORK_REPORTER_NOTICE_DAYS": "DOMAIN.md default: notices within 15 working days",
    "CASEWORK_CASE_REVIEW_MONTHS": "DOMAIN.md default: case review within 1 month",
    "CASEWORK_RECTIFICATION_MONTHS": "DOMAIN.md default: rectification report within 2 months",
    "CASEWORK_MAX_EXTENSIONS": "each clock extendable once (casework-domain.md)",
    "CASEWORK_DEADLINE_CHECK_SECONDS": "scheduled check cadence: every minute",
    "CASEWORK_AUDIT_VERIFY_SECONDS": "audit chain verified hourly by the scheduled check",
    "CASEWORK_RUN_SCHEDULED_CHECK": "a worker runs the scheduled check (under its lease)",
}


def left_to_default(name: str, prefix: str) -> bool:
    return name in LEFT_TO_DEFAULT or (
        name.startswith(prefix) and "*_" + name.removeprefix(prefix) in LEFT_TO_DEFAULT
    )
