import os
import tempfile

# Event signing keys and other generated local secrets of this test run, not of the worktree.
os.environ.setdefault("GUANTONG_SECRETS_DIR", tempfile.mkdtemp(prefix="guantong-test-secrets-"))

pytest_plugins = ["tests.support.databases", "tests.support.broker"]
