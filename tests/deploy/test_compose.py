"""deploy/compose.yaml: a valid Compose file (the Compose Specification's JSON Schema, shipped by
check-jsonschema) that runs the system as production would, on one machine."""

import json
import re
from importlib import resources
from typing import Any

import jsonschema
import pytest
import yaml

from shared.worker import HARD_STOP_SECONDS
from tests.deploy.targets import DEPLOY, AppContainer, compose, compose_apps
from tests.deploy.variables import prefixes

BROKERS = ("kafka-1", "kafka-2", "kafka-3")


def _schema() -> dict[str, Any]:
    text = (
        resources.files("check_jsonschema.builtin_schemas.vendor") / "compose-spec.json"
    ).read_text()
    schema: dict[str, Any] = json.loads(text)
    return schema


def _services() -> dict[str, Any]:
    services: dict[str, Any] = compose()["services"]
    return services


class TestComposeFile:
    def test_is_valid_against_the_compose_specification(self) -> None:
        validator = jsonschema.validators.validator_for(_schema())(_schema())
        errors = sorted(validator.iter_errors(compose()), key=lambda e: list(e.path))
        assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:5])

    def test_every_image_is_pinned(self) -> None:
        for name, spec in _services().items():
            image = spec["image"]
            assert re.search(r":[\w.${}:-]+$", image.rsplit("/", 1)[-1]), f"{name}: {image}"


class TestKafka:
    def _env(self, broker: str) -> dict[str, Any]:
        env: dict[str, Any] = _services()[broker]["environment"]
        return env

    def test_three_kraft_brokers_of_the_official_image(self) -> None:
        brokers = [n for n, s in _services().items() if "KAFKA_NODE_ID" in s.get("environment", {})]
        assert sorted(brokers) == list(BROKERS)
        voters = {self._env(b)["KAFKA_CONTROLLER_QUORUM_VOTERS"] for b in BROKERS}
        assert voters == {"1@kafka-1:9093,2@kafka-2:9093,3@kafka-3:9093"}
        for broker in BROKERS:
            assert _services()[broker]["image"].startswith("apache/kafka:")
            assert self._env(broker)["KAFKA_PROCESS_ROLES"] == "broker,controller"

    def test_replicated_three_times_two_in_sync(self) -> None:
        for broker in BROKERS:
            env = self._env(broker)
            assert env["KAFKA_DEFAULT_REPLICATION_FACTOR"] == 3
            assert env["KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR"] == 3
            assert env["KAFKA_MIN_INSYNC_REPLICAS"] == 2
            assert env["KAFKA_AUTO_CREATE_TOPICS_ENABLE"] == "false"

    def test_services_log_in_with_scram_and_acls_are_enforced(self) -> None:
        for broker in BROKERS:
            env = self._env(broker)
            listeners = dict(
                p.split(":") for p in env["KAFKA_LISTENER_SECURITY_PROTOCOL_MAP"].split(",")
            )
            assert set(listeners.values()) == {"SASL_PLAINTEXT"}, "no listener without SASL"
            assert env["KAFKA_LISTENER_NAME_CLIENT_SASL_ENABLED_MECHANISMS"] == "SCRAM-SHA-512"
            assert env["KAFKA_ALLOW_EVERYONE_IF_NO_ACL_FOUND"] == "false"
            assert env["KAFKA_AUTHORIZER_CLASS_NAME"].endswith("StandardAuthorizer")
        servers = {a.env["KAFKA_BOOTSTRAP_SERVERS"].value for a in compose_apps()}
        assert servers == {"kafka-1:9094,kafka-2:9094,kafka-3:9094"}, "the CLIENT listener"

    def test_topics_are_set_up_by_the_kubernetes_script(self) -> None:
        setup = _services()["kafka-setup"]
        assert setup["entrypoint"] == ["bash", "/setup/setup.sh"]
        assert "./k8s/base/kafka/setup.sh:/setup/setup.sh:ro" in setup["volumes"]


def _name(app: AppContainer) -> str:
    return app.where.removeprefix("compose ")


class TestServices:
    def test_one_database_per_service(self) -> None:
        script = (DEPLOY / "compose" / "postgres-init.sh").read_text()
        created = re.findall(r"^database (\w+) ", script, flags=re.MULTILINE)
        assert sorted(created) == sorted(prefixes())
        for app in compose_apps():
            url = app.env[f"{prefixes()[app.service]}DATABASE_URL"].value
            assert url.startswith(f"postgresql+asyncpg://{app.service}:")
            assert url.endswith(f"@postgres:5432/{app.service}")

    @pytest.mark.parametrize("service", ["intake", "routing", "casework"])
    def test_migrations_run_once_before_api_and_worker(self, service: str) -> None:
        migrate = _services()[f"{service}-migrate"]
        assert migrate["restart"] == "no"
        for role in ("api", "worker"):
            depends = _services()[f"{service}-{role}"]["depends_on"]
            assert depends[f"{service}-migrate"] == {"condition": "service_completed_successfully"}
        worker = _services()[f"{service}-worker"]["depends_on"]
        assert worker["kafka-setup"] == {"condition": "service_completed_successfully"}

    def test_processes_get_time_to_finish_their_work_before_being_killed(self) -> None:
        for app in compose_apps():
            if app.role not in ("api", "worker"):
                continue
            grace = _services()[_name(app)]["stop_grace_period"]
            assert grace.endswith("s"), grace
            variable = prefixes()[app.service] + "GRACEFUL_SHUTDOWN_SECONDS"
            needed = float(app.env[variable].value) + HARD_STOP_SECONDS
            assert float(grace.removesuffix("s")) > needed, app.where

    def test_service_containers_are_read_only_and_unprivileged(self) -> None:
        for app in compose_apps():
            spec = _services()[app.where.removeprefix("compose ")]
            assert spec["read_only"] is True and spec["cap_drop"] == ["ALL"], app.where

    def test_prometheus_scrapes_every_process_on_its_metrics_port(self) -> None:
        config = yaml.safe_load((DEPLOY / "compose" / "prometheus.yml").read_text())
        assert {job["metrics_path"] for job in config["scrape_configs"]} == {"/metrics"}
        targets = {
            t
            for job in config["scrape_configs"]
            for group in job["static_configs"]
            for t in group["targets"]
        }
        port = {"api": "METRICS_PORT", "worker": "WORKER_METRICS_PORT"}
        processes = {
            f"{_name(a)}:{a.env[prefixes()[a.service] + port[a.role]].value}"
            for a in compose_apps()
            if a.role in port
        }
        assert targets == processes
        for app in compose_apps():  # the metrics ports are reached on the compose network only
            published = _services()[app.where.removeprefix("compose ")].get("ports", [])
            assert not any(str(p).endswith((":9001", ":9002", ":9003")) for p in published)
        mounted = _services()["prometheus"]["volumes"]
        assert "./compose/prometheus.yml:/etc/prometheus/prometheus.yml:ro" in mounted
