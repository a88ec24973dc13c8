"""The two deployment targets as data: the compose file and the rendered Kubernetes overlays,
with, for each container that runs a service, where each of its variables comes from."""

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from tests.deploy import kustomize

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
K8S = DEPLOY / "k8s"
KUSTOMIZATIONS = [K8S / "base", K8S / "overlays" / "production"]
COMPOSE = DEPLOY / "compose.yaml"
ENV_EXAMPLE = DEPLOY / ".env.example"
INTERPOLATION = re.compile(r"\$\{([A-Z0-9_]+)(?::?[-?+][^}]*)?\}")


@dataclass(frozen=True)
class Source:
    """`value` (literal or compose text), `configmap` or `secret` (name and key)."""

    kind: str
    value: str = ""
    name: str = ""
    key: str = ""


@dataclass(frozen=True)
class AppContainer:
    where: str
    service: str
    role: str
    env: dict[str, Source]


def service_of(command: list[str]) -> tuple[str, str] | None:
    """`["services.intake", "api"]` -> ("intake", "api")."""
    if command and command[0].startswith("services."):
        return command[0].removeprefix("services."), (command[1:] or ["api"])[0]
    return None


@cache
def compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(COMPOSE.read_text())
    return loaded


def compose_apps() -> list[AppContainer]:
    found = []
    for name, spec in compose()["services"].items():
        runs = service_of(list(spec.get("command") or []))
        if runs:
            env = {
                k: Source("value", "" if v is None else str(v))
                for k, v in spec["environment"].items()
            }
            found.append(AppContainer(f"compose {name}", *runs, env))
    return found


def env_example() -> set[str]:
    lines = ENV_EXAMPLE.read_text().splitlines()
    return {line.split("=", 1)[0] for line in lines if line and not line.startswith("#")}


@cache
def rendered(directory: Path) -> tuple[dict[str, Any], ...]:
    return tuple(kustomize.build(directory))


def k8s_apps(directory: Path) -> list[AppContainer]:
    objects = rendered(directory)
    maps = {o["metadata"]["name"]: o.get("data", {}) for o in objects if o["kind"] == "ConfigMap"}
    found = []
    for obj in objects:
        for container in kustomize.containers(obj):
            runs = service_of(list(container.get("args") or container.get("command") or []))
            if runs:
                where = f"{directory.name} {obj['kind']}/{obj['metadata']['name']}"
                found.append(AppContainer(where, *runs, _k8s_env(container, maps)))
    return found


def _k8s_env(container: dict[str, Any], maps: dict[str, dict[str, str]]) -> dict[str, Source]:
    env: dict[str, Source] = {}
    for source in container.get("envFrom", []):
        if "configMapRef" not in source:
            raise AssertionError(f"envFrom {source}: secrets are referenced key by key")
        name = source["configMapRef"]["name"]
        env |= {key: Source("configmap", name=name, key=key) for key in maps[name]}
    for item in container.get("env", []):
        reference = item.get("valueFrom", {})
        if "secretKeyRef" in reference:
            ref = reference["secretKeyRef"]
            env[item["name"]] = Source("secret", name=ref["name"], key=ref["key"])
        elif "configMapKeyRef" in reference:
            ref = reference["configMapKeyRef"]
            env[item["name"]] = Source("configmap", name=ref["name"], key=ref["key"])
        else:
            env[item["name"]] = Source("value", str(item.get("value", "")))
    return env
