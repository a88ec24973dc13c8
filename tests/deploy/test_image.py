"""The image, read as Docker would build it (no Docker engine here): one slim non-root image
whose dependencies are the locked runtime ones, and nothing else from the repository."""

import json
import re
import tomllib
from importlib import metadata

from packaging.requirements import Requirement

from deploy import lock
from tests.deploy.targets import DEPLOY

ROOT = DEPLOY.parent
DOCKERFILE = DEPLOY / "Dockerfile"


def _instructions() -> list[tuple[str, str]]:
    text = re.sub(r"\\\n\s*", " ", DOCKERFILE.read_text())
    lines = [
        line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")
    ]
    return [(line.split(None, 1)[0].upper(), line.split(None, 1)[1]) for line in lines]


def _final_stage() -> list[tuple[str, str]]:
    instructions = _instructions()
    start = max(i for i, (op, _) in enumerate(instructions) if op == "FROM")
    return instructions[start:]


def _locked() -> dict[str, str]:
    lines = (DEPLOY / "requirements.lock").read_text().splitlines()
    pairs = [line.split("==") for line in lines if line and not line.startswith("#")]
    return {lock.canonical(name): version for name, version in pairs}


class TestDockerfile:
    def test_slim_python_311_base(self) -> None:
        (default,) = [
            v for op, v in _instructions() if op == "ARG" and v.startswith("PYTHON_IMAGE=")
        ]
        assert re.fullmatch(r"PYTHON_IMAGE=python:3\.11(\.\d+)?-slim(-\w+)?", default)

    def test_runs_as_a_numeric_non_root_user(self) -> None:
        (user,) = [v for op, v in _final_stage() if op == "USER"]
        uid = user.split(":")[0]
        assert uid.isdigit() and int(uid) != 0

    def test_the_role_is_the_command(self) -> None:
        (entrypoint,) = [v for op, v in _final_stage() if op == "ENTRYPOINT"]
        (command,) = [v for op, v in _final_stage() if op == "CMD"]
        assert json.loads(entrypoint) == ["python", "-m"]
        assert json.loads(command) == ["services.intake", "api"]

    def test_copies_only_code_migrations_and_the_lock(self) -> None:
        sources = {
            v.split()[0] for op, v in _instructions() if op == "COPY" and not v.startswith("--from")
        }
        assert sources == {
            "deploy/requirements.lock",
            "pyproject.toml",
            "services",
            "shared",
            "migrations",
        }
        for source in sources:
            assert (ROOT / source).exists(), source

    def test_installs_exactly_the_lock(self) -> None:
        runs = " ".join(v for op, v in _instructions() if op == "RUN")
        assert "pip install --no-deps -r /tmp/requirements.lock" in runs
        assert "pip check" in runs

    def test_the_build_context_leaves_tests_and_the_venv_out(self) -> None:
        patterns = [
            line
            for line in (ROOT / ".dockerignore").read_text().splitlines()
            if line and not line.startswith("#")
        ]
        assert patterns[0] == "*", "everything is excluded first"
        included = {p.removeprefix("!").rstrip("/") for p in patterns if p.startswith("!")}
        assert not {"tests", ".venv", "var", "deploy"} & included


class TestLock:
    def test_pins_every_runtime_dependency_and_no_dev_tool(self) -> None:
        project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
        locked = _locked()
        for line in project["dependencies"]:
            requirement = Requirement(line)
            name = lock.canonical(requirement.name)
            assert name in locked, f"{name} is not in deploy/requirements.lock: make lock"
            assert requirement.specifier.contains(locked[name], prereleases=True), name
        for line in project["optional-dependencies"]["dev"]:
            name = lock.canonical(Requirement(line).name)
            assert name not in locked or name in lock.closure(), f"dev tool {name} in the image"
        assert "guantong" not in locked

    def test_what_a_locked_package_needs_is_locked_too(self) -> None:
        locked = _locked()
        for name, needs in lock.dependencies().items():
            if name in locked and metadata.distribution(name).version == locked[name]:
                # Same version as here, so the same needs (another version: pip check guards).
                assert needs <= set(locked), f"{name} needs {sorted(needs - set(locked))}"
