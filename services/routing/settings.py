"""Routing's settings: the shared ones plus where this process listens, prefixed ROUTING_."""

from pydantic_settings import SettingsConfigDict

from shared.settings import ServiceSettings, sqlite_url


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(
        env_prefix="ROUTING_", extra="ignore", env_file=None, populate_by_name=True
    )

    database_url: str = sqlite_url("routing")
    host: str = "127.0.0.1"
    port: int = 8002
    workers: int = 1
