"""Settings common to every service; each service subclasses with its own env prefix."""

from collections.abc import Callable
from pathlib import Path
from typing import Any, ClassVar, Literal

from pydantic import AliasChoices, Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from shared.secrets import MissingSecret, random_token, resolve

VAR_DIR = Path("var")


def sqlite_url(name: str) -> str:
    return f"sqlite+aiosqlite:///{VAR_DIR / name}.db"


class ServiceSettings(BaseSettings):
    model_config = SettingsConfigDict(extra="ignore", env_file=None, populate_by_name=True)

    # Secret fields a subclass adds, with how a local installation generates each one.
    SECRETS: ClassVar[dict[str, Callable[[], str]]] = {}

    database_url: str
    # Shared by every service: one cluster for the whole deployment.
    kafka_bootstrap_servers: str = Field(
        "127.0.0.1:9092", validation_alias=AliasChoices("KAFKA_BOOTSTRAP_SERVERS")
    )
    kafka_session_timeout_ms: int = Field(
        6000, validation_alias=AliasChoices("KAFKA_SESSION_TIMEOUT_MS")
    )
    topic_partitions: int = Field(3, validation_alias=AliasChoices("KAFKA_TOPIC_PARTITIONS"))
    # How every client reaches the cluster (shared/kafka.py client_options): PLAINTEXT suits the
    # embedded broker; production clusters take SASL_SSL with one SCRAM user per service.
    kafka_security_protocol: Literal["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"] = Field(
        "PLAINTEXT", validation_alias=AliasChoices("KAFKA_SECURITY_PROTOCOL")
    )
    kafka_sasl_mechanism: Literal["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"] = Field(
        "SCRAM-SHA-512", validation_alias=AliasChoices("KAFKA_SASL_MECHANISM")
    )
    kafka_sasl_username: str | None = Field(
        None, validation_alias=AliasChoices("KAFKA_SASL_USERNAME")
    )
    kafka_sasl_password: SecretStr | None = Field(
        None, validation_alias=AliasChoices("KAFKA_SASL_PASSWORD")
    )
    kafka_ssl_cafile: str | None = Field(None, validation_alias=AliasChoices("KAFKA_SSL_CAFILE"))
    kafka_ssl_certfile: str | None = Field(
        None, validation_alias=AliasChoices("KAFKA_SSL_CERTFILE")
    )
    kafka_ssl_keyfile: str | None = Field(None, validation_alias=AliasChoices("KAFKA_SSL_KEYFILE"))
    # Staff tokens: HS256 under this service's own secret, unless a JWKS URL is configured, in
    # which case RS256 tokens of the identity provider are verified with its published keys.
    jwt_secret: SecretStr | None = None
    jwt_jwks_url: str | None = None
    jwt_issuer: str = "guantong"
    # Rate limits shared by every replica (shared/rate_limits.py); unset, each process keeps its
    # own. The URL may carry a password: a secret. One prefix per deployment sharing a Redis.
    redis_url: SecretStr | None = Field(None, validation_alias=AliasChoices("GUANTONG_REDIS_URL"))
    redis_key_prefix: str = Field(
        "guantong", validation_alias=AliasChoices("GUANTONG_REDIS_KEY_PREFIX")
    )
    # Per client address: failed authentications allowed before 429 (http_limits).
    failed_auth_per_second: float = 2.0
    failed_auth_burst: int = 30
    kafka_max_request_bytes: int = Field(
        1024 * 1024, validation_alias=AliasChoices("KAFKA_MAX_REQUEST_BYTES")
    )
    # Ed25519 keys this service signs its events with (`kid:base64-private[,...]`, the first
    # signs), and the public keys of every producer (`svc:kid:base64-public,...`). Locally
    # both are generated per installation when unset (shared/event_keys.py).
    event_signing_keys: SecretStr | None = None
    event_public_keys: str | None = Field(
        None, validation_alias=AliasChoices("GUANTONG_EVENT_PUBLIC_KEYS")
    )
    # Public keys of the services allowed to call this one's internal APIs (the ledger), as
    # `svc:kid:base64-public,...`; locally read from the secrets folder (shared/service_tokens).
    service_public_keys: str | None = Field(
        None, validation_alias=AliasChoices("GUANTONG_SERVICE_PUBLIC_KEYS")
    )
    outbox_retention_hours: int = 24 * 7
    # How often the relay looks for new rows without being woken: on SQLite this is the only
    # signal from the API processes; on PostgreSQL LISTEN/NOTIFY wakes it and this is a net.
    outbox_poll_seconds: float = 0.05
    outbox_notify_poll_seconds: float = 2.0
    outbox_batch_size: int = 500
    # A row that fails this many times for its own sake (not because the broker is away) is set
    # aside; later rows about the same clue wait behind it until it is released.
    outbox_max_attempts: int = 8
    outbox_backoff_max_seconds: float = 60.0
    consumer_max_attempts: int = 3
    consumer_backoff_max_seconds: float = 30.0
    # Worker process: leases are tried this often; liveness is written every heartbeat and
    # read as dead once older than heartbeat_stale_seconds.
    lease_retry_seconds: float = 1.0
    heartbeat_seconds: float = 1.0
    heartbeat_stale_seconds: float = 5.0
    # Swagger UI (/docs) and ReDoc (/redoc), served offline; production turns them off
    # (<SVC>_API_DOCS=false). /openapi.json stays: client generators and gateways read it.
    api_docs: bool = True
    # What the worker process runs (`python -m services.<svc> worker`).
    run_consumers: bool = True
    run_relay: bool = True
    # On SIGTERM: an API finishes its requests in flight (uvicorn's graceful shutdown), a worker
    # its relay round and consumer polls in hand, within this bound; then they stop.
    graceful_shutdown_seconds: float = 10.0
    # Traces go by OTLP/HTTP to this collector (its base URL); unset, tracing is off.
    otel_exporter_otlp_endpoint: str | None = Field(
        None, validation_alias=AliasChoices("OTEL_EXPORTER_OTLP_ENDPOINT")
    )

    @model_validator(mode="before")
    @classmethod
    def _resolve_secrets(cls, data: Any) -> Any:
        """Fills every secret left unset, or refuses (outside GUANTONG_ENV=local) to start."""
        if not isinstance(data, dict):
            return data
        prefix = str(cls.model_config.get("env_prefix", ""))
        wanted: dict[str, Callable[[], str]] = dict(cls.SECRETS)
        if not data.get("jwt_jwks_url"):
            wanted["jwt_secret"] = random_token
        for name, generate in wanted.items():
            data[name] = resolve(
                data.get(name),
                name=f"{prefix.lower()}{name}",
                env_variable=f"{prefix}{name.upper()}",
                generate=generate,
            )
        return data

    @model_validator(mode="after")
    def _kafka_credentials(self) -> "ServiceSettings":
        """A SASL protocol without a user is a misconfiguration no local default can repair."""
        if self.kafka_security_protocol.startswith("SASL_"):
            for variable, value in (
                ("KAFKA_SASL_USERNAME", self.kafka_sasl_username),
                ("KAFKA_SASL_PASSWORD", self.kafka_sasl_password),
            ):
                if not value:
                    raise MissingSecret(
                        f"{variable} is not set; KAFKA_SECURITY_PROTOCOL="
                        f"{self.kafka_security_protocol} needs it"
                    )
        return self

    def redis_url_value(self) -> str | None:
        return self.redis_url.get_secret_value() if self.redis_url else None

    def hs256_secret(self) -> str:
        """The local token secret; only called when no JWKS URL is configured."""
        if self.jwt_secret is None:
            raise RuntimeError("tokens are verified from a JWKS URL; there is no HS256 secret")
        return self.jwt_secret.get_secret_value()
