"""Secrets: real ones required outside local mode, per-installation private files locally."""

import stat
from pathlib import Path

import pytest
from pydantic import SecretStr

from shared.secrets import MissingSecret, local_secret, resolve


@pytest.fixture
def secrets_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "var" / "secrets"
    monkeypatch.setenv("GUANTONG_SECRETS_DIR", str(home))
    monkeypatch.delenv("GUANTONG_ENV", raising=False)
    return home


class TestResolve:
    def test_a_configured_secret_is_used_as_given(self, secrets_home: Path) -> None:
        value = resolve(SecretStr("from-the-env"), name="x", env_variable="X_SECRET")
        assert value.get_secret_value() == "from-the-env"
        assert not secrets_home.exists()

    def test_outside_local_mode_a_missing_secret_refuses_to_start(
        self, secrets_home: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setenv("GUANTONG_ENV", "production")
        with pytest.raises(MissingSecret, match="X_SECRET"):
            resolve(None, name="x", env_variable="X_SECRET")
        assert not secrets_home.exists()

    def test_locally_a_missing_secret_is_generated_once_and_kept(self, secrets_home: Path) -> None:
        first = resolve(None, name="jwt", env_variable="X_SECRET").get_secret_value()
        again = resolve("", name="jwt", env_variable="X_SECRET").get_secret_value()
        assert first == again
        assert len(first) >= 40


class TestLocalFiles:
    def test_files_are_private_to_the_owner(self, secrets_home: Path) -> None:
        local_secret("pepper")
        assert stat.S_IMODE(secrets_home.stat().st_mode) == 0o700
        assert stat.S_IMODE((secrets_home / "pepper").stat().st_mode) == 0o600

    def test_two_installations_get_different_secrets(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setenv("GUANTONG_SECRETS_DIR", str(tmp_path / "a"))
        a = local_secret("jwt")
        monkeypatch.setenv("GUANTONG_SECRETS_DIR", str(tmp_path / "b"))
        assert local_secret("jwt") != a

    def test_a_folder_created_openly_before_is_tightened(self, secrets_home: Path) -> None:
        secrets_home.mkdir(parents=True, mode=0o755)
        secrets_home.chmod(0o755)
        local_secret("jwt")
        assert stat.S_IMODE(secrets_home.stat().st_mode) == 0o700

    def test_a_name_with_a_path_is_refused(self, secrets_home: Path) -> None:
        with pytest.raises(ValueError):
            local_secret("../escape")
