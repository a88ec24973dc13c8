"""Settings common to every service; each service subclasses with its own env prefix."""

from pathlib import Path

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

VAR_DIR = Path("var")


def sqlite_url(name: str) -> str:
    return f"sqlite+aiosqlite:///{VAR_DIR / name}.db"


class ServiceSettings(BaseSettings):
    model_config = SettingsConfigDict(extra="ignore", env_file=None, populate_by_name=True)

    database_url: str
    # Shared by every service: one cluster for the whole deployment.
    kafka_bootstrap_servers: str = Field(
        "127.0.0.1:9092", validation_alias=AliasChoices("KAFKA_BOOTSTRAP_SERVERS")
    )
    kafka_session_timeout_ms: int = Field(
        6000, validation_alias=AliasChoices("KAFKA_SESSION_TIMEOUT_MS")
    )
    topic_partitions: int = Field(3, validation_alias=AliasChoices("KAFKA_TOPIC_PARTITIONS"))
    jwt_secret: str = Field(
        "guantong-local-development-secret-change-me",
        validation_alias=AliasChoices("GUANTONG_JWT_SECRET"),
    )
    outbox_retention_hours: int = 24 * 7
    outbox_poll_seconds: float = 0.25
    consumer_max_attempts: int = 3
    run_consumers: bool = True
    run_relay: bool = True
