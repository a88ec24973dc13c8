"""NetworkPolicy as the cluster enforces it, evaluated over the rendered pods: from outside the
namespace only intake's API can be reached."""

import ipaddress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.deploy import kustomize
from tests.deploy.targets import KUSTOMIZATIONS, rendered

SERVICES = ("intake", "routing", "casework")

Object = dict[str, Any]
NAMESPACE_LABEL = "kubernetes.io/metadata.name"


@dataclass(frozen=True)
class Peer:
    """Where a connection comes from: an address outside the cluster, or a pod."""

    ip: str = "10.0.0.1"
    namespace: str | None = None
    labels: dict[str, str] = field(default_factory=dict)


OUTSIDERS = {
    "internet": Peer(ip="203.0.113.7"),
    "office network": Peer(ip="10.20.30.40"),
    "another namespace": Peer(namespace="other", labels={"app": "anything"}),
    "a gateway of another namespace": Peer(
        namespace="other", labels={"guantong.cn/staff-gateway": "true"}
    ),
}


def _matches(selector: Object, labels: dict[str, str]) -> bool:
    if not selector.get("matchLabels", {}).items() <= labels.items():
        return False
    for expression in selector.get("matchExpressions", []):
        present = expression["key"] in labels
        value = labels.get(expression["key"])
        operator = expression["operator"]
        if operator == "In" and value not in expression["values"]:
            return False
        if operator == "NotIn" and present and value in expression["values"]:
            return False
        if (operator == "Exists") != present and operator in ("Exists", "DoesNotExist"):
            return False
    return True


def _peer_allowed(rule_from: list[Object] | None, peer: Peer, namespace: str) -> bool:
    if not rule_from:
        return True  # no `from`: every source
    for item in rule_from:
        if "ipBlock" in item:
            block = item["ipBlock"]
            address = ipaddress.ip_address(peer.ip)
            if address in ipaddress.ip_network(block["cidr"]) and not any(
                address in ipaddress.ip_network(e) for e in block.get("except", [])
            ):
                return True
            continue
        if peer.namespace is None:
            continue  # pod and namespace selectors match only pods
        if "namespaceSelector" in item:
            in_namespace = _matches(item["namespaceSelector"], {NAMESPACE_LABEL: peer.namespace})
        else:
            in_namespace = peer.namespace == namespace
        if in_namespace and _matches(item.get("podSelector", {}), peer.labels):
            return True
    return False


def reachable(
    policies: list[Object], pod_labels: dict[str, str], peer: Peer, ns: str, port: str = "http"
) -> bool:
    """Whether `peer` may open a connection to the pod on its port named `port`."""
    selecting = [
        p
        for p in policies
        if "Ingress" in p["spec"].get("policyTypes", ["Ingress"])
        and _matches(p["spec"]["podSelector"], pod_labels)
    ]
    if not selecting:
        return True
    return any(
        _peer_allowed(rule.get("from"), peer, ns)
        and (not rule.get("ports") or any(p.get("port") in (port, None) for p in rule["ports"]))
        for policy in selecting
        for rule in policy["spec"].get("ingress", [])
    )


def _pods(directory: Path) -> dict[str, dict[str, str]]:
    return {
        o["metadata"]["name"]: kustomize.pod_labels(o)
        for o in rendered(directory)
        if kustomize.pod_spec(o) is not None
    }


@pytest.mark.parametrize("directory", KUSTOMIZATIONS, ids=lambda d: d.name)
class TestNetworkPolicy:
    def _policies(self, directory: Path) -> list[Object]:
        return [o for o in rendered(directory) if o["kind"] == "NetworkPolicy"]

    def test_from_outside_only_intake_api_is_reachable(self, directory: Path) -> None:
        policies, ns = self._policies(directory), "guantong"
        for who, peer in OUTSIDERS.items():
            open_to = {
                name
                for name, labels in _pods(directory).items()
                if reachable(policies, labels, peer, ns)
            }
            assert open_to == {"intake-api"}, who

    def test_staff_apis_answer_the_staff_gateway_of_the_namespace(self, directory: Path) -> None:
        gateway = Peer(namespace="guantong", labels={"guantong.cn/staff-gateway": "true"})
        neighbour = Peer(namespace="guantong", labels={"app.kubernetes.io/name": "intake"})
        pods, policies = _pods(directory), self._policies(directory)
        for name in ("routing-api", "casework-api"):
            assert reachable(policies, pods[name], gateway, "guantong"), name
            assert not reachable(policies, pods[name], neighbour, "guantong"), name
        assert not reachable(policies, pods["routing-worker"], gateway, "guantong")

    def test_prometheus_reaches_every_metrics_port_and_nothing_else(self, directory: Path) -> None:
        prometheus = Peer(namespace="monitoring", labels={"app.kubernetes.io/name": "prometheus"})
        pods, policies = _pods(directory), self._policies(directory)
        scraped = {
            n
            for n, labels in pods.items()
            if reachable(policies, labels, prometheus, "guantong", "metrics")
        }
        assert scraped == {f"{s}-{role}" for s in SERVICES for role in ("api", "worker")}
        served = {
            n for n, labels in pods.items() if reachable(policies, labels, prometheus, "guantong")
        }
        assert served == {"intake-api"}  # its http port is everyone's; the staff APIs' are not

    def test_no_metrics_port_is_reachable_from_outside(self, directory: Path) -> None:
        pods, policies = _pods(directory), self._policies(directory)
        for who, peer in OUTSIDERS.items():
            open_to = {
                n
                for n, labels in pods.items()
                if reachable(policies, labels, peer, "guantong", "metrics")
            }
            assert not open_to, who

    def test_casework_ledger_answers_routing_reconciliation_only(self, directory: Path) -> None:
        pods, policies = _pods(directory), self._policies(directory)
        for component in ("worker", "reconcile"):
            reconciler = Peer(
                namespace="guantong",
                labels={
                    "app.kubernetes.io/name": "routing",
                    "app.kubernetes.io/component": component,
                },
            )
            assert reachable(policies, pods["casework-api"], reconciler, "guantong"), component
            assert not reachable(policies, pods["routing-worker"], reconciler, "guantong")
        routing_api = Peer(
            namespace="guantong",
            labels={"app.kubernetes.io/name": "routing", "app.kubernetes.io/component": "api"},
        )
        assert not reachable(policies, pods["casework-api"], routing_api, "guantong")
