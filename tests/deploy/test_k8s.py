"""The Kubernetes manifests: they render, validate against the Kubernetes 1.30 schemas, and
run each part of the system the way DESIGN.md's "Processes" says."""

from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest

from shared.worker import HARD_STOP_SECONDS
from tests.deploy import kustomize
from tests.deploy.targets import KUSTOMIZATIONS, rendered, service_of
from tests.deploy.variables import prefixes

KUBERNETES = "1.30"
IMAGE = "guantong"

Object = dict[str, Any]


def _of_kind(directory: Path, kind: str) -> list[Object]:
    return [o for o in rendered(directory) if o["kind"] == kind]


def _named(directory: Path, kind: str, name: str) -> Object:
    found = [o for o in _of_kind(directory, kind) if o["metadata"]["name"] == name]
    assert found, f"{directory.name}: no {kind}/{name}"
    return found[0]


def _runs(obj: Object) -> list[tuple[str, str]]:
    return [r for c in kustomize.containers(obj) if (r := service_of(list(c.get("args", []))))]


@pytest.mark.parametrize("directory", KUSTOMIZATIONS, ids=lambda d: d.name)
class TestManifests:
    def test_every_object_is_valid_kubernetes(self, directory: Path) -> None:
        for obj in rendered(directory):
            try:
                kubernetes_validate.validate(obj, KUBERNETES, strict=True)
            except kubernetes_validate.ValidationError as exc:
                where = ".".join(str(p) for p in exc.path)
                pytest.fail(f"{obj['kind']}/{obj['metadata']['name']} {where}: {exc.message}")

    def test_each_api_is_probed_and_served(self, directory: Path) -> None:
        for service in prefixes():
            api = _named(directory, "Deployment", f"{service}-api")
            (container,) = kustomize.containers(api)
            assert container["args"] == [f"services.{service}", "api"]
            assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
            assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
            port = {p["name"]: p["containerPort"] for p in container["ports"]}["http"]
            config = _named(directory, "ConfigMap", f"{service}-config")["data"]
            assert config[f"{prefixes()[service]}PORT"] == str(port)
            selector = _named(directory, "Service", service)["spec"]["selector"]
            assert selector.items() <= kustomize.pod_labels(api).items()

    def test_each_process_is_scraped_on_its_own_metrics_port(self, directory: Path) -> None:
        for service, prefix in prefixes().items():
            config = _named(directory, "ConfigMap", f"{service}-config")["data"]
            for role, variable in (("api", "METRICS_PORT"), ("worker", "WORKER_METRICS_PORT")):
                deployment = _named(directory, "Deployment", f"{service}-{role}")
                (container,) = kustomize.containers(deployment)
                ports = {p["name"]: p["containerPort"] for p in container["ports"]}
                annotations = deployment["spec"]["template"]["metadata"]["annotations"]
                assert config[prefix + variable] == str(ports["metrics"]), deployment
                assert annotations["prometheus.io/port"] == str(ports["metrics"])
                assert annotations["prometheus.io/scrape"] == "true"
                assert ports["metrics"] != ports.get("http")

    def test_pods_get_time_to_finish_their_work_before_being_killed(self, directory: Path) -> None:
        for service, prefix in prefixes().items():
            config = _named(directory, "ConfigMap", f"{service}-config")["data"]
            needed = float(config[f"{prefix}GRACEFUL_SHUTDOWN_SECONDS"]) + HARD_STOP_SECONDS
            for role in ("api", "worker"):
                deployment = _named(directory, "Deployment", f"{service}-{role}")
                grace = deployment["spec"]["template"]["spec"]["terminationGracePeriodSeconds"]
                assert grace > needed, f"{service}-{role}"

    def test_each_worker_and_migration_runs_its_command(self, directory: Path) -> None:
        for service in prefixes():
            worker = _named(directory, "Deployment", f"{service}-worker")
            assert _runs(worker) == [(service, "worker")]
            assert _named(directory, "Deployment", f"{service}-worker")["spec"]["replicas"] >= 2
            assert _runs(_named(directory, "Job", f"{service}-migrate")) == [(service, "migrate")]

    def test_reconciliation_runs_hourly_once_at_a_time(self, directory: Path) -> None:
        cron = _named(directory, "CronJob", "routing-reconcile")
        assert cron["spec"]["schedule"] == "0 * * * *"
        assert cron["spec"]["concurrencyPolicy"] == "Forbid"
        assert _runs(cron) == [("routing", "reconcile")]

    def test_every_deployment_has_a_disruption_budget(self, directory: Path) -> None:
        budgets = [
            b["spec"]["selector"]["matchLabels"] for b in _of_kind(directory, "PodDisruptionBudget")
        ]
        for deployment in _of_kind(directory, "Deployment"):
            labels = kustomize.pod_labels(deployment)
            assert any(b.items() <= labels.items() for b in budgets), deployment["metadata"]["name"]

    def test_intake_api_scales_with_load(self, directory: Path) -> None:
        hpa = _named(directory, "HorizontalPodAutoscaler", "intake-api")
        assert hpa["spec"]["scaleTargetRef"]["name"] == "intake-api"
        assert hpa["spec"]["minReplicas"] >= 2

    def test_every_container_is_unprivileged_and_bounded(self, directory: Path) -> None:
        for obj in rendered(directory):
            spec = kustomize.pod_spec(obj)
            if spec is None:
                continue
            assert spec["securityContext"]["runAsNonRoot"] is True
            assert spec.get("automountServiceAccountToken") is False
            for container in kustomize.containers(obj):
                where = f"{obj['metadata']['name']}/{container['name']}"
                context = container["securityContext"]
                assert context["readOnlyRootFilesystem"] is True, where
                assert context["allowPrivilegeEscalation"] is False, where
                assert context["capabilities"]["drop"] == ["ALL"], where
                for kind in ("requests", "limits"):
                    assert {"cpu", "memory"} <= set(container["resources"][kind]), where

    def test_services_run_the_one_image_and_it_is_pinned(self, directory: Path) -> None:
        for obj in rendered(directory):
            for container in kustomize.containers(obj):
                image = container["image"]
                assert ":" in image.rsplit("/", 1)[-1], f"{image}: no tag"
                if service_of(list(container.get("args", []))):
                    assert image.rsplit("/", 1)[-1].startswith(IMAGE + ":"), image

    def test_no_secret_value_is_in_the_manifests(self, directory: Path) -> None:
        assert not _of_kind(directory, "Secret"), "Secrets are created by the operator"
