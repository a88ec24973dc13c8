import os
import tempfile

pytest_plugins = [
    "tests.support.databases",
    "tests.support.broker",
    "tests.support.rollback",
    "tests.support.redis",
]

# The run's generated local secrets live in a folder of its own, never in the developer's var/;
# processes the tests start inherit it and so agree with the tests on every secret.
os.environ.setdefault("GUANTONG_SECRETS_DIR", tempfile.mkdtemp(prefix="guantong-secrets-"))
