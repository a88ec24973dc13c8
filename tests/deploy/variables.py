"""Every environment variable a service reads, derived from its Settings class, so that a
setting added to the code is a setting the deployment checks must find."""

import importlib
import types
import typing
from dataclasses import dataclass
from functools import cache

from pydantic import AliasChoices, SecretStr

from shared import secrets
from shared.events.asyncapi import services
from shared.observability import logs

# Read straight from the environment, outside any Settings class: by shared/secrets.py, and by
# the logging setup (shared/observability/logs.py), which runs before any settings are read.
PROCESS_VARIABLES = (
    secrets.ENV_VARIABLE,
    secrets.DIR_VARIABLE,
    logs.FORMAT_VARIABLE,
    logs.LEVEL_VARIABLE,
)
# Prefixes of variables that only Guantong reads: one set with such a name must be read.
OURS = ("GUANTONG_", "KAFKA_")


@dataclass(frozen=True)
class Variable:
    name: str
    secret: bool


def _is_secret(annotation: object) -> bool:
    if annotation is SecretStr:
        return True
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
        return SecretStr in typing.get_args(annotation)
    return False


@cache
def read_by(service: str) -> dict[str, Variable]:
    """Variable name -> what `python -m services.<service> ...` reads."""
    settings = importlib.import_module(f"services.{service}.settings").Settings
    prefix = str(settings.model_config.get("env_prefix", ""))
    found = {name: Variable(name, secret=False) for name in PROCESS_VARIABLES}
    for field_name, field in settings.model_fields.items():
        alias = field.validation_alias
        if isinstance(alias, AliasChoices):
            names = [str(choice).upper() for choice in alias.choices if isinstance(choice, str)]
        elif isinstance(alias, str):
            names = [alias.upper()]
        else:
            names = [f"{prefix}{field_name}".upper()]
        for name in names:
            found[name] = Variable(name, secret=_is_secret(field.annotation))
    return found


def prefixes() -> dict[str, str]:
    """Service -> its own env prefix (INTAKE_, ...)."""
    return {
        s: str(
            importlib.import_module(f"services.{s}.settings").Settings.model_config["env_prefix"]
        )
        for s in services()
    }


def is_ours(name: str) -> bool:
    return name.startswith(OURS) or name.startswith(tuple(prefixes().values()))
