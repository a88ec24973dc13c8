"""Routing's settings: the shared ones plus where this process listens, prefixed ROUTING_."""

from pydantic import Field, SecretStr
from pydantic_settings import SettingsConfigDict

from shared.settings import ServiceSettings, sqlite_url

SERVICE = "routing"


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(
        env_prefix="ROUTING_", extra="ignore", env_file=None, populate_by_name=True
    )

    database_url: str = sqlite_url("routing")
    host: str = "127.0.0.1"
    port: int = 8002
    workers: int = 1
    # GET /metrics of the API (its uvicorn workers merged) and of the worker: ports of their
    # own, never the API's, so that only Prometheus reaches them (0: not served).
    metrics_port: int = 9002
    worker_metrics_port: int = 9102
    # Reg Arts 169, 171: a clue that belongs to another body is forwarded within this many
    # working days of the handoff request; reconciliation reports transfers not signed for.
    forwarding_working_days: int = Field(5, ge=1, le=60)
    # A dry run replays at most this many of the latest clues.
    dry_run_max_clues: int = Field(5_000, ge=1, le=100_000)
    # Reconciliation: the ledgers it reads (intake's and casework's APIs), the key routing signs
    # its service credential with (`kid:base64-private[,...]`, generated locally), how often a
    # worker runs it (0: only when asked, e.g. under a Kubernetes CronJob), how long a change
    # may still be in flight before a difference counts, and how often asked-for runs are seen.
    intake_url: str = "http://127.0.0.1:8001"
    casework_url: str = "http://127.0.0.1:8003"
    service_signing_keys: SecretStr | None = None
    reconcile_interval_seconds: float = Field(3600.0, ge=0)
    reconcile_settle_seconds: float = Field(300.0, ge=0)
    reconcile_poll_seconds: float = Field(2.0, gt=0)
