"""`kustomize build`, for the few features deploy/k8s uses, so the tests render offline.

Supported: resources (files and directories), namespace, images, configMapGenerator with
`disableNameSuffixHash` (files and literals), and JSON 6902 patches (add, replace, remove) with a
kind/name target. Anything else in a kustomization is refused rather than rendered wrongly.
"""

import copy
from pathlib import Path
from typing import Any

import yaml

Object = dict[str, Any]

SUPPORTED = {
    "apiVersion",
    "kind",
    "resources",
    "namespace",
    "images",
    "patches",
    "configMapGenerator",
    "generatorOptions",
}
CLUSTER_SCOPED = {"Namespace", "ClusterRole", "ClusterRoleBinding", "PersistentVolume"}


class Unsupported(ValueError):
    pass


def build(directory: Path) -> list[Object]:
    kustomization = yaml.safe_load((directory / "kustomization.yaml").read_text())
    unknown = set(kustomization) - SUPPORTED
    if unknown:
        raise Unsupported(f"{directory}: {sorted(unknown)} not rendered by tests/deploy")
    objects: list[Object] = []
    for resource in kustomization.get("resources", []):
        path = directory / resource
        if path.is_dir():
            objects += build(path)
        else:
            objects += [d for d in yaml.safe_load_all(path.read_text()) if d]
    options = kustomization.get("generatorOptions", {})
    for generator in kustomization.get("configMapGenerator", []):
        objects.append(_config_map(directory, generator, options))
    for patch in kustomization.get("patches", []):
        _patch(directory, objects, patch)
    for image in kustomization.get("images", []):
        for container in (c for o in objects for c in containers(o)):
            _set_image(container, image)
    if "namespace" in kustomization:
        for o in objects:
            if o["kind"] not in CLUSTER_SCOPED:
                o["metadata"]["namespace"] = kustomization["namespace"]
    names = [(o["kind"], o["metadata"]["name"]) for o in objects]
    duplicates = {n for n in names if names.count(n) > 1}
    if duplicates:
        raise ValueError(f"{directory}: defined twice: {sorted(duplicates)}")
    return objects


def pod_spec(obj: Object) -> Object | None:
    spec = obj.get("spec", {})
    if obj["kind"] == "CronJob":
        spec = spec["jobTemplate"]["spec"]
    template = spec.get("template")
    return template["spec"] if isinstance(template, dict) else None


def pod_labels(obj: Object) -> dict[str, str]:
    spec = obj["spec"]["jobTemplate"]["spec"] if obj["kind"] == "CronJob" else obj["spec"]
    labels: dict[str, str] = spec["template"]["metadata"].get("labels", {})
    return labels


def containers(obj: Object) -> list[Object]:
    spec = pod_spec(obj)
    if spec is None:
        return []
    return [*spec.get("initContainers", []), *spec.get("containers", [])]


def _config_map(directory: Path, generator: Object, options: Object) -> Object:
    if not options.get("disableNameSuffixHash") or generator.get("behavior", "create") != "create":
        raise Unsupported("configMapGenerator: only new maps without a name hash are rendered")
    data: dict[str, str] = {}
    for entry in generator.get("files", []):
        key, _, path = entry.rpartition("=")
        data[key or Path(path).name] = (directory / path).read_text()
    for literal in generator.get("literals", []):
        key, _, value = literal.partition("=")
        data[key] = value
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": generator["name"]},
        "data": data,
    }


def _patch(directory: Path, objects: list[Object], patch: Object) -> None:
    target = patch["target"]
    if set(target) - {"kind", "name"}:
        raise Unsupported(f"patch target {target}: only kind and name are rendered")
    text = patch["patch"] if "patch" in patch else (directory / patch["path"]).read_text()
    operations = yaml.safe_load(text)
    if not isinstance(operations, list):
        raise Unsupported("only JSON 6902 patches are rendered")
    matched = [
        o
        for o in objects
        if o["kind"] == target.get("kind", o["kind"])
        and o["metadata"]["name"] == target.get("name", o["metadata"]["name"])
    ]
    if not matched:
        raise ValueError(f"patch target {target} matches nothing")
    for obj in matched:
        for operation in operations:
            _apply(obj, operation)


def _apply(obj: Object, operation: Object) -> None:
    *parents, last = [
        p.replace("~1", "/").replace("~0", "~") for p in operation["path"][1:].split("/")
    ]
    node: Any = obj
    for part in parents:
        node = node[int(part)] if isinstance(node, list) else node[part]
    op = operation["op"]
    if isinstance(node, list):
        index = len(node) if last == "-" else int(last)
        if op == "add":
            node.insert(index, copy.deepcopy(operation["value"]))
        elif op == "replace":
            node[index] = copy.deepcopy(operation["value"])
        elif op == "remove":
            del node[index]
        else:
            raise Unsupported(f"patch op {op}")
        return
    if op in ("replace", "remove") and last not in node:
        raise ValueError(f"{operation['path']} does not exist")
    if op in ("add", "replace"):
        node[last] = copy.deepcopy(operation["value"])
    elif op == "remove":
        del node[last]
    else:
        raise Unsupported(f"patch op {op}")


def _set_image(container: Object, image: Object) -> None:
    current = container["image"]
    name = current.split("@")[0].rsplit(":", 1)[0] if "/" not in current.split(":")[-1] else current
    if name != image["name"]:
        return
    tag = ""
    if "digest" in image:
        tag = "@" + image["digest"]
    elif "newTag" in image:
        tag = ":" + image["newTag"]
    elif current != name:
        tag = current[len(name) :]
    container["image"] = image.get("newName", name) + tag
