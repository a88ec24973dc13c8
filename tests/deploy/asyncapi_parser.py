"""The official AsyncAPI parser (npm @asyncapi/parser), installed by the tests themselves from
the npm registry into var/ once per machine. Without node, npm or the registry the test is
skipped on a laptop and fails in CI."""

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
VERSION = "3.6.6"
FOLDER = ROOT / "var" / f"asyncapi-parser-{VERSION}"
SCRIPT = Path(__file__).with_name("asyncapi_parse.cjs")
# Spectral's severities: what the parser calls an error or a warning fails the document.
ERROR, WARNING = 0, 1


def _unavailable(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"the AsyncAPI parser is required in CI: {reason}")
    pytest.skip(reason)


def install() -> Path:
    """The folder holding node_modules/@asyncapi/parser, installed when missing."""
    if (FOLDER / "node_modules" / "@asyncapi" / "parser").is_dir():
        return FOLDER
    npm = shutil.which("npm")
    if npm is None or shutil.which("node") is None:
        _unavailable("node and npm are needed for the AsyncAPI parser")
    FOLDER.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        [
            str(npm),
            "install",
            "--no-audit",
            "--no-fund",
            "--prefix",
            str(FOLDER),
            f"@asyncapi/parser@{VERSION}",
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if done.returncode != 0:
        _unavailable(f"npm install @asyncapi/parser@{VERSION} failed: {done.stderr[-2000:]}")
    return FOLDER


def parse(document: Path, folder: Path) -> dict[str, Any]:
    done = subprocess.run(
        ["node", str(SCRIPT), str(document), str(folder)],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def problems(result: dict[str, Any]) -> list[str]:
    return [
        f"{d['code']} at {d['path']}: {d['message']}"
        for d in result["diagnostics"]
        if d["severity"] in (ERROR, WARNING)
    ]
