from services.routing.orm import metadata
from shared.migrate import run_env

run_env("routing", metadata)
