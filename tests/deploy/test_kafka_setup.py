"""deploy/k8s/base/kafka/setup.sh, run for real by bash with the Kafka tools replaced by
recorders: the topics, users and ACLs it creates are exactly what the code implies."""

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from shared.events.asyncapi import consumers
from shared.events.topics import ALL, ALL_WITH_DEAD_LETTERS, OWNERS, dead_letter
from tests.deploy.targets import DEPLOY, compose, rendered

SCRIPT = DEPLOY / "k8s" / "base" / "kafka" / "setup.sh"
TOOLS = ("kafka-topics.sh", "kafka-configs.sh", "kafka-acls.sh")
OPS = "guantong-ops"
RECORDER = """import json, os, sys
args = sys.argv[1:]
config = open(args[args.index("--command-config") + 1]).read()
with open(os.environ["RECORD"], "a") as out:
    call = {"tool": os.path.basename(sys.argv[0]), "args": args, "config": config}
    out.write(json.dumps(call) + "\\n")
"""

Acl = tuple[str, str, str, str]  # principal, operation, resource type, resource name


def _run(tmp_path: Path, **extra: str) -> list[dict[str, Any]]:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in TOOLS:
        path = bin_dir / tool
        path.write_text(f"#!{sys.executable}\n{RECORDER}")
        path.chmod(0o755)
    record = tmp_path / "calls.jsonl"
    env = {
        "PATH": os.environ["PATH"],
        "KAFKA_BIN": str(bin_dir),
        "RECORD": str(record),
        "KAFKA_BOOTSTRAP_SERVERS": "kafka:9093",
        "KAFKA_ADMIN_USER": "admin",
        "KAFKA_ADMIN_PASSWORD": "admin-pw",
        "ADMIN_SECURITY_PROTOCOL": "SASL_SSL",
        "ADMIN_SASL_MECHANISM": "SCRAM-SHA-512",
        "KAFKA_SSL_CAFILE": "/etc/guantong/kafka-ca/ca.crt",
        "TOPIC_PARTITIONS": "6",
        "TOPIC_REPLICATION": "3",
        "TOPIC_MIN_INSYNC_REPLICAS": "2",
        **{f"SCRAM_PASSWORD_{u.upper().replace('-', '_')}": f"pw-{u}" for u in _users()},
        **extra,
    }
    subprocess.run(["bash", str(SCRIPT)], env=env, check=True, capture_output=True, timeout=60)
    return [json.loads(line) for line in record.read_text().splitlines()]


def _users() -> list[str]:
    return [*sorted(consumers()), OPS]


def _option(args: list[str], name: str) -> list[str]:
    return [args[i + 1] for i, a in enumerate(args) if a == name]


def _acls(calls: list[dict[str, Any]]) -> set[Acl]:
    found: set[Acl] = set()
    for call in (c for c in calls if c["tool"] == "kafka-acls.sh"):
        args = call["args"]
        (principal,) = _option(args, "--allow-principal")
        (operation,) = _option(args, "--operation")
        for kind in ("topic", "group"):
            found |= {(principal, operation, kind, n) for n in _option(args, f"--{kind}")}
    return found


def expected_acls() -> set[Acl]:
    """Each service writes what it owns and the dead letters of what it consumes, reads what it
    consumes with its own group, and sees every topic's metadata; the operator's user reads
    dead letters and replays them."""
    acls: set[Acl] = set()
    for service, consumed in consumers().items():
        user = f"User:{service}"
        acls |= {(user, "Write", "topic", t) for t, owners in OWNERS.items() if service in owners}
        acls |= {(user, "Write", "topic", dead_letter(t)) for t in consumed}
        acls |= {(user, "Read", "topic", t) for t in consumed}
        # The ledger reports its own dead letters not applied since (reconciliation).
        acls |= {(user, "Read", "topic", dead_letter(t)) for t in consumed}
        acls |= {(user, "Read", "group", service)}
        acls |= {(user, "Describe", "topic", t) for t in ALL_WITH_DEAD_LETTERS}
    ops = f"User:{OPS}"
    acls |= {(ops, "Read", "topic", dead_letter(t)) for t in ALL}
    acls |= {(ops, "Write", "topic", t) for t in ALL}
    acls |= {(ops, "Describe", "topic", t) for t in ALL_WITH_DEAD_LETTERS}
    return acls


@pytest.fixture(scope="module")
def calls(tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, Any]]:
    return _run(tmp_path_factory.mktemp("kafka-setup"))


class TestKafkaSetup:
    def test_every_topic_is_created_replicated(self, calls: list[dict[str, Any]]) -> None:
        created = {}
        for call in (c for c in calls if c["tool"] == "kafka-topics.sh"):
            args = call["args"]
            assert "--create" in args and "--if-not-exists" in args
            (name,) = _option(args, "--topic")
            created[name] = tuple(
                tuple(_option(args, o))
                for o in ("--partitions", "--replication-factor", "--config")
            )
        assert set(created) == set(ALL_WITH_DEAD_LETTERS)
        assert set(created.values()) == {(("6",), ("3",), ("min.insync.replicas=2",))}

    def test_each_service_has_its_own_scram_user(self, calls: list[dict[str, Any]]) -> None:
        users = {}
        for call in (c for c in calls if c["tool"] == "kafka-configs.sh"):
            (name,) = _option(call["args"], "--entity-name")
            (config,) = _option(call["args"], "--add-config")
            users[name] = config
        assert users == {u: f"SCRAM-SHA-512=[iterations=8192,password=pw-{u}]" for u in _users()}

    def test_acls_follow_owners_and_subscriptions_exactly(
        self, calls: list[dict[str, Any]]
    ) -> None:
        found, expected = _acls(calls), expected_acls()
        assert found - expected == set(), "granted beyond what the code needs"
        assert expected - found == set(), "missing: a service would be refused"

    def test_the_admin_connects_as_configured(self, calls: list[dict[str, Any]]) -> None:
        configs = {c["config"] for c in calls}
        assert len(configs) == 1
        (config,) = configs
        assert "security.protocol=SASL_SSL" in config
        assert 'ScramLoginModule required username="admin" password="admin-pw";' in config
        assert "ssl.truststore.location=/etc/guantong/kafka-ca/ca.crt" in config

    def test_a_missing_password_stops_it(self, tmp_path: Path) -> None:
        with pytest.raises(subprocess.CalledProcessError) as failed:
            _run(tmp_path, SCRAM_PASSWORD_ROUTING="")
        assert b"SCRAM_PASSWORD_ROUTING" in failed.value.stderr


class TestSameSettingsEverywhere:
    def test_partitions_are_one_setting(self) -> None:
        (config,) = [
            o
            for o in rendered(DEPLOY / "k8s" / "base")
            if o["metadata"]["name"] == "guantong-config"
        ]
        (job,) = [
            o
            for o in rendered(DEPLOY / "k8s" / "base")
            if o["kind"] == "Job" and "kafka" in o["metadata"]["name"]
        ]
        env = {e["name"]: e for e in job["spec"]["template"]["spec"]["containers"][0]["env"]}
        assert (
            env["TOPIC_PARTITIONS"]["valueFrom"]["configMapKeyRef"]["key"]
            == "KAFKA_TOPIC_PARTITIONS"
        )
        assert config["data"]["KAFKA_TOPIC_PARTITIONS"]
        setup = compose()["services"]["kafka-setup"]["environment"]
        services = compose()["services"]
        assert {
            s["environment"].get("KAFKA_TOPIC_PARTITIONS")
            for n, s in services.items()
            if n.endswith("-api")
        } == {setup["TOPIC_PARTITIONS"]}

    def test_the_setup_job_creates_the_users_the_services_log_in_as(self) -> None:
        objects = rendered(DEPLOY / "k8s" / "base")
        usernames = {
            o["data"]["KAFKA_SASL_USERNAME"]
            for o in objects
            if o["kind"] == "ConfigMap" and "KAFKA_SASL_USERNAME" in o.get("data", {})
        }
        assert usernames == set(consumers())
        composed = {
            s["environment"]["KAFKA_SASL_USERNAME"]
            for s in compose()["services"].values()
            if "KAFKA_SASL_USERNAME" in s.get("environment", {})
        }
        assert composed == set(consumers())
