"""Routing's settings: the shared ones plus where this process listens, prefixed ROUTING_."""

from pydantic import Field
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
