from pydantic_settings import SettingsConfigDict

from shared.settings import ServiceSettings, sqlite_url


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="INTAKE_", extra="ignore", populate_by_name=True)

    database_url: str = sqlite_url("intake")
    host: str = "127.0.0.1"
    port: int = 8001
    workers: int = 1
    # "kid:base64key[,kid:base64key...]"; the first seals, all unseal. Unset: a local key file.
    seal_keys: str | None = None
    seal_key_file: str = "var/intake-seal.key"
    # Keyed hash for subject ID numbers, shared with nobody: routing links clues by this hash.
    id_hash_pepper: str = "guantong-local-id-pepper"
    idempotency_window_hours: int = 24
    max_body_bytes: int = 256 * 1024
