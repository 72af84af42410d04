"""Build kubeconform's schema directory for the chart's check (deploy/helm/check.sh).

Two inputs, both pinned by check.sh:

- ``k8s SRC DEST``: the Kubernetes JSON schemas of the kubernetes-validate wheel (PyPI), one
  ``<kind>-<group>-<version>.json`` per kind whose ``$ref``s point into a shared
  ``/api/_definitions.json``. kubeconform compiles each file alone, so each is made standalone:
  the definitions it reaches are copied into its own ``$defs``.
- ``crd DEST CRD.yaml…``: operators' CustomResourceDefinitions, turned into one JSON schema per
  served version at ``DEST/<group>/<kind>_<version>.json`` (kubeconform's
  ``{{.Group}}/{{.ResourceKind}}_{{.ResourceAPIVersion}}.json``), the way kubeconform's
  openapi2jsonschema.py does, but strict all the way down: an object with declared properties
  accepts no other key unless the CRD says it preserves unknown fields, so a misspelt field of a
  Kafka, a Cluster or a ScaledObject fails the check instead of being ignored by the operator.
"""

import copy
import json
import sys
from pathlib import Path

import yaml


class _Loader(yaml.SafeLoader):
    """PyYAML reads a bare ``=`` (an enum value in prometheus-operator's CRDs) as YAML 1.1's value tag."""


_Loader.add_constructor("tag:yaml.org,2002:value", lambda loader, node: loader.construct_scalar(node))

REF_PREFIX = "/api/_definitions.json#/$defs/"
LOCAL_PREFIX = "#/$defs/"  # refs between the shared definitions


def _refs(node, found: set[str]) -> None:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str):
            for prefix in (REF_PREFIX, LOCAL_PREFIX):
                if ref.startswith(prefix):
                    found.add(ref[len(prefix) :])
        for value in node.values():
            _refs(value, found)
    elif isinstance(node, list):
        for value in node:
            _refs(value, found)


def _rewrite(node):
    if isinstance(node, dict):
        return {
            k: (
                "#/$defs/" + v[len(REF_PREFIX) :]
                if k == "$ref" and isinstance(v, str) and v.startswith(REF_PREFIX)
                else _rewrite(v)
            )
            for k, v in node.items()
        }
    if isinstance(node, list):
        return [_rewrite(v) for v in node]
    return node


def kubernetes(src: Path, dest: Path) -> int:
    definitions = json.loads((src / "_definitions.json").read_text())["$defs"]
    dest.mkdir(parents=True, exist_ok=True)
    count = 0
    for path in sorted(src.glob("*.json")):
        if path.name == "_definitions.json":
            continue
        schema = json.loads(path.read_text())
        needed: set[str] = set()
        _refs(schema, needed)
        todo = list(needed)
        while todo:
            found: set[str] = set()
            _refs(definitions[todo.pop()], found)
            for name in found - needed:
                needed.add(name)
                todo.append(name)
        standalone = _rewrite(schema)
        standalone.pop("$id", None)  # a URL of kubernetes.io: the refs must resolve inside this file
        if needed:
            standalone["$defs"] = {name: _rewrite(definitions[name]) for name in sorted(needed)}
        (dest / path.name).write_text(json.dumps(standalone))
        count += 1
    return count


def _strict(node):
    """openapi2jsonschema's conversions, plus additionalProperties: false wherever properties are closed."""
    if isinstance(node, list):
        return [_strict(v) for v in node]
    if not isinstance(node, dict):
        return node
    node = {k: _strict(v) for k, v in node.items()}
    if node.pop("x-kubernetes-int-or-string", False):
        node.pop("type", None)
        node.setdefault("oneOf", [{"type": "string"}, {"type": "integer"}])
    if node.pop("nullable", False) and isinstance(node.get("type"), str):
        node["type"] = [node["type"], "null"]
    preserve = node.pop("x-kubernetes-preserve-unknown-fields", False)
    for key in list(node):
        if key.startswith("x-kubernetes-"):
            del node[key]
    if "properties" in node and "additionalProperties" not in node and not preserve:
        node["additionalProperties"] = False
    return node


def crds(dest: Path, files: list[Path]) -> int:
    count = 0
    for file in files:
        for doc in yaml.load_all(file.read_text(), Loader=_Loader):
            if not doc or doc.get("kind") != "CustomResourceDefinition":
                continue
            spec = doc["spec"]
            kind = spec["names"]["kind"].lower()
            for version in spec["versions"]:
                schema = copy.deepcopy(version["schema"]["openAPIV3Schema"])
                schema = _strict(schema)
                # apiVersion and kind name this version exactly (some CRDs leave them out); metadata is
                # the Kubernetes ObjectMeta, never described by a CRD: left open.
                properties = schema.setdefault("properties", {})
                properties["apiVersion"] = {"type": "string", "enum": [f"{spec['group']}/{version['name']}"]}
                properties["kind"] = {"type": "string", "enum": [spec["names"]["kind"]]}
                properties["metadata"] = {"type": "object"}
                schema["required"] = sorted({*schema.get("required", []), "apiVersion", "kind"})
                schema["additionalProperties"] = False
                out = dest / spec["group"] / f"{kind}_{version['name']}.json"
                out.parent.mkdir(parents=True, exist_ok=True)
                out.write_text(json.dumps(schema))
                count += 1
    return count


if __name__ == "__main__":
    what, *args = sys.argv[1:]
    if what == "k8s":
        print(f"{kubernetes(Path(args[0]), Path(args[1]))} Kubernetes schemas")
    elif what == "crd":
        print(f"{crds(Path(args[0]), [Path(a) for a in args[1:]])} CRD schemas")
    else:
        raise SystemExit("usage: schemas.py k8s SRC DEST | crd DEST CRD.yaml…")
