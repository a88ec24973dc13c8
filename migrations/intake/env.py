from services.intake.orm import metadata
from shared.migrate import run_env

run_env("intake", metadata)
