"""The demo registry shipped as YAML (江州市 and its three counties) for make run, tests, bench."""

from functools import cache
from pathlib import Path

from services.routing.registry.diff import plan_registry_load
from services.routing.registry.snapshot import RegistrySnapshot

DEMO_REGISTRY_FILE = Path(__file__).parent.parent / "demo_registry.yaml"


@cache
def demo_registry() -> RegistrySnapshot:
    return plan_registry_load(DEMO_REGISTRY_FILE.read_text(encoding="utf-8")).snapshot
