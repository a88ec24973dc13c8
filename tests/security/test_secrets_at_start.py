"""Outside GUANTONG_ENV=local a service does not start without its secrets; locally each
installation generates its own, so no secret is shared by two installations or written in code."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from services.intake.settings import Settings as IntakeSettings
from shared.settings import ServiceSettings

REPO = Path(__file__).resolve().parents[2]


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.endswith(("_SECRET", "_PEPPER"))}
    env.update(GUANTONG_ENV="production", GUANTONG_SECRETS_DIR=str(tmp_path / "secrets"))
    env.update(extra)
    return env


@pytest.mark.parametrize(
    ("service", "variable"),
    [
        ("intake", "INTAKE_SEAL_KEYS"),
        ("routing", "ROUTING_JWT_SECRET"),
        ("casework", "CASEWORK_JWT_SECRET"),
    ],
)
def test_production_without_secrets_exits_naming_the_variable(
    service: str, variable: str, tmp_path: Path
) -> None:
    done = subprocess.run(
        [sys.executable, "-m", f"services.{service}"],
        cwd=REPO,
        env=_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode != 0
    assert variable in done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "secrets").exists()  # nothing generated outside local mode


def test_intake_names_each_missing_secret_until_all_are_set(tmp_path: Path) -> None:
    needed = ["INTAKE_SEAL_KEYS", "INTAKE_ID_HASH_PEPPER", "INTAKE_REQUEST_HASH_KEY"]
    given: dict[str, str] = {}
    for variable in [*needed, "INTAKE_JWT_SECRET"]:
        done = subprocess.run(
            [sys.executable, "-m", "services.intake", "no-such-command"],
            cwd=REPO,
            env=_env(tmp_path, **given),
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert variable in done.stderr, done.stderr
        given[variable] = (
            "k1:" + "QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUE="
            if "SEAL" in variable
            else "s" * 40
        )
    done = subprocess.run(
        [sys.executable, "-m", "services.intake", "no-such-command"],
        cwd=REPO,
        env=_env(tmp_path, **given),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert "unknown command" in done.stderr  # every secret set: it got as far as the command


def test_no_secret_field_has_a_default_in_code() -> None:
    fields = {**ServiceSettings.model_fields, **IntakeSettings.model_fields}
    for name in ("jwt_secret", "seal_keys", "id_hash_pepper", "request_hash_key"):
        assert fields[name].default in (None, Ellipsis) or fields[name].is_required(), name


def test_two_local_installations_get_different_secrets(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen = []
    for home in ("a", "b"):
        monkeypatch.setenv("GUANTONG_SECRETS_DIR", str(tmp_path / home))
        settings = IntakeSettings()
        seen.append(
            (
                settings.hs256_secret(),
                settings.id_hash_pepper.get_secret_value(),
                settings.request_hash_key.get_secret_value(),
                settings.seal_keys.get_secret_value(),
            )
        )
        assert IntakeSettings().hs256_secret() == settings.hs256_secret()  # kept, not regenerated
    for first, second in zip(*seen, strict=True):
        assert first != second
