from services.casework.orm import metadata
from shared.migrate import run_env

run_env("casework", metadata)
