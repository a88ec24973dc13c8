"""Where secrets come from: the environment in production, generated per installation locally.

`GUANTONG_ENV=local` (the default of `make run` and the tests) lets a service generate any
secret it was not given, once, into a private folder (`var/secrets/`, 0700, files 0600), so
two installations never share a development secret and none is written in the code. Any other
value of GUANTONG_ENV makes a missing secret fatal at start-up.
"""

import contextlib
import os
import secrets
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

from pydantic import SecretStr

ENV_VARIABLE = "GUANTONG_ENV"
DIR_VARIABLE = "GUANTONG_SECRETS_DIR"
LOCAL = "local"
DEFAULT_DIR = Path("var/secrets")


class MissingSecret(RuntimeError):
    """A secret a production deployment must set is not set."""


def environment() -> str:
    return os.environ.get(ENV_VARIABLE, LOCAL).strip() or LOCAL


def is_local() -> bool:
    return environment() == LOCAL


def secrets_dir() -> Path:
    return Path(os.environ.get(DIR_VARIABLE) or DEFAULT_DIR)


def random_token(nbytes: int = 32) -> str:
    return secrets.token_urlsafe(nbytes)


def resolve(
    given: SecretStr | str | None,
    *,
    name: str,
    env_variable: str,
    generate: Callable[[], str] = random_token,
) -> SecretStr:
    """The configured secret, else (locally only) this installation's generated one."""
    if isinstance(given, SecretStr):
        given = given.get_secret_value()
    if given:
        return SecretStr(given)
    if not is_local():
        raise MissingSecret(
            f"{env_variable} is not set; {ENV_VARIABLE}={environment()} needs a real secret"
        )
    return SecretStr(local_secret(name, generate=generate))


def local_secret(name: str, *, generate: Callable[[], str] = random_token) -> str:
    """Reads `<secrets dir>/<name>`, creating it first if this installation has none.

    Creation is exclusive, so concurrent processes starting together agree on one value.
    """
    if not name or "/" in name or name.startswith("."):
        raise ValueError(f"not a secret name: {name!r}")
    folder = private_dir(secrets_dir())
    path = folder / name
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    else:
        with os.fdopen(fd, "w") as handle:
            handle.write(generate())
    value = path.read_text().strip()
    if not value:
        raise MissingSecret(f"{path} is empty; delete it to have it generated again")
    return value


def private_dir(path: Path) -> Path:
    """Creates `path` (and missing parents) readable by this user only; tightens it if it was
    created more openly before."""
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    if path.stat().st_mode & 0o077:
        path.chmod(0o700)
    return path


@contextlib.contextmanager
def exit_on_missing_secret() -> Iterator[None]:
    """For a process entry point: a missing secret is one clear line and exit code 2."""
    try:
        yield
    except MissingSecret as exc:
        print(f"error: {exc}", file=sys.stderr)
        raise SystemExit(2) from None
