"""docs/examples/verify_webhook.py, loaded from where agencies read it, so the tests check the
very file the README tells them to copy."""

import importlib.util
from pathlib import Path

_PATH = Path(__file__).resolve().parents[2] / "docs" / "examples" / "verify_webhook.py"
_spec = importlib.util.spec_from_file_location("verify_webhook", _PATH)
assert _spec is not None and _spec.loader is not None
_module = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_module)

verify = _module.verify
handle = _module.handle
