from pydantic_settings import SettingsConfigDict

from shared.settings import ServiceSettings, sqlite_url


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="CASEWORK_")

    database_url: str = sqlite_url("casework")
    host: str = "127.0.0.1"
    port: int = 8003
    workers: int = 1
    # Default clock for signing for (签收) an assigned clue; DOMAIN.md keeps limits configurable.
    sign_for_days: int = 3
