"""The Helm chart (deploy/helm/unionfed): it lints, renders for the small and the large values, and
every rendered object validates against the pinned Kubernetes and operator CRD schemas
(deploy/helm/check.sh); what it renders keeps its promises; its alerts and dashboard name only
series the code exports.

check.sh builds helm and kubeconform and fetches the schemas once into ~/.cache/unionfed/chart
(about 12 minutes on a new 2-core machine, under 30 s afterwards); the first run gets a timeout
to match.
"""

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
CHECK = ROOT / "deploy" / "helm" / "check.sh"
VALUES = ("values", "values-small", "values-large")
SERVICES = ("membership", "welfare", "events", "finance")

# Series from exporters other than unionfed's own, which the rules use on purpose.
EXTERNAL_SERIES = {
    "up",  # Prometheus itself, per scrape target
    "kube_job_status_failed",  # kube-state-metrics: a failed daily CronJob run
    "certmanager_certificate_expiration_timestamp_seconds",  # cert-manager: the Ingress certificate
}

# The first run builds the tools (check.sh); whichever test comes first waits for it.
pytestmark = pytest.mark.timeout(1900)
CACHE = Path(os.environ.get("UNIONFED_CHART_CACHE", Path.home() / ".cache" / "unionfed" / "chart"))


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> dict[str, list[dict]]:
    if shutil.which("go") is None and not Path("/usr/local/go/bin/go").exists():
        pytest.fail("Go is needed to build helm and kubeconform (deploy/helm/check.sh)")
    out = tmp_path_factory.mktemp("chart")
    result = subprocess.run(
        ["bash", str(CHECK), str(out)], capture_output=True, text=True, timeout=1800, cwd=ROOT, check=False
    )
    assert result.returncode == 0, f"check.sh failed:\n{result.stdout}\n{result.stderr}"
    assert "Invalid: 0, Errors: 0, Skipped: 0" in result.stdout, result.stdout
    return {name: [d for d in yaml.safe_load_all((out / f"{name}.yaml").read_text()) if d] for name in VALUES}


def _of(docs: list[dict], kind: str) -> list[dict]:
    return [d for d in docs if d["kind"] == kind]


def _pod_specs(docs: list[dict]):
    for d in docs:
        if d["kind"] == "Deployment" or d["kind"] == "Job":
            yield d["metadata"]["name"], d["spec"]["template"]["spec"]
        elif d["kind"] == "CronJob":
            yield d["metadata"]["name"], d["spec"]["jobTemplate"]["spec"]["template"]["spec"]


def test_the_chart_lints_renders_and_validates_against_the_pinned_schemas(rendered):
    large = rendered["values-large"]
    kinds = {d["kind"] for d in large}
    assert {
        "Kafka",
        "KafkaNodePool",
        "KafkaTopic",
        "KafkaUser",
        "Cluster",
        "ScheduledBackup",
        "ScaledObject",
        "Keycloak",
        "KeycloakRealmImport",
        "ServiceMonitor",
        "PrometheusRule",
        "CronJob",
    } <= kinds


def test_every_workload_runs_as_non_root_on_a_read_only_root_with_probes(rendered):
    for name, docs in rendered.items():
        for workload, pod in _pod_specs(docs):
            assert pod["securityContext"]["runAsNonRoot"] is True, (name, workload)
            for container in pod.get("initContainers", []) + pod["containers"]:
                security = container["securityContext"]
                assert security["readOnlyRootFilesystem"] is True, (name, workload, container["name"])
                assert security["allowPrivilegeEscalation"] is False, (name, workload, container["name"])
                assert container["resources"]["requests"] and container["resources"]["limits"], (workload,)
            for container in pod["containers"]:
                mounts = {m["mountPath"] for m in container.get("volumeMounts", [])}
                assert "/tmp" in mounts, (name, workload, "an emptyDir for /tmp")
            deployment = workload.endswith(("-api", "-consumer", "-gateway", "-otel-collector"))
            if deployment:
                for container in pod["containers"]:
                    assert {"startupProbe", "livenessProbe", "readinessProbe"} <= container.keys(), (name, workload)


def _serve_modes(service: str) -> list[str]:
    import click

    from unionfed_shared.cli import main

    group = main.get_command(click.Context(main), service)
    serve = group.get_command(click.Context(group), "serve")
    return next(p.type.choices for p in serve.params if p.name == "mode")


def test_each_service_has_its_api_and_consumer_scaled_and_protected(rendered):
    docs = rendered["values"]
    deployments = {d["metadata"]["name"]: d for d in _of(docs, "Deployment")}
    hpas = {d["spec"]["scaleTargetRef"]["name"] for d in _of(docs, "HorizontalPodAutoscaler")}
    scaled = {d["spec"]["scaleTargetRef"]["name"]: d for d in _of(docs, "ScaledObject")}
    pdbs = {d["metadata"]["name"] for d in _of(docs, "PodDisruptionBudget")}
    for service in SERVICES:
        api, consumer = f"unionfed-{service}-api", f"unionfed-{service}-consumer"
        assert {api, consumer} <= deployments.keys() and {api, consumer} <= pdbs
        assert api in hpas
        trigger = scaled[consumer]["spec"]["triggers"][0]
        assert trigger["type"] == "kafka" and trigger["metadata"]["consumerGroup"] == f"unionfed-{service}"
        container = deployments[api]["spec"]["template"]["spec"]["containers"][0]
        assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
        # Each Deployment runs its own part of the service, in a mode `serve` accepts.
        for name, mode in ((api, "api"), (consumer, "consumer")):
            args = deployments[name]["spec"]["template"]["spec"]["containers"][0]["args"]
            assert args == ["unionfed", service, "serve", "--mode", mode], args
            assert mode in _serve_modes(service)
        assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"


def test_topics_carry_topic_settings_py(rendered):
    from unionfed_shared.contracts.topics import ALL_TOPICS
    from unionfed_shared.messaging.topic_settings import declared_configs
    from unionfed_shared.settings import KafkaTopicSettings

    production = KafkaTopicSettings(replication_factor=3, min_insync_replicas=2)
    topics = {t["spec"]["topicName"]: t["spec"] for t in _of(rendered["values"], "KafkaTopic")}
    assert set(topics) == set(ALL_TOPICS)
    for name, spec in topics.items():
        assert spec["replicas"] == 3
        declared = declared_configs(name, production)
        assert {k: str(v).lower() for k, v in spec["config"].items()} == declared, name


def test_kafka_users_may_touch_only_their_topics_and_group(rendered):
    for user in _of(rendered["values"], "KafkaUser"):
        service = user["metadata"]["name"].removeprefix("unionfed-")
        acls = user["spec"]["authorization"]["acls"]
        groups = {a["resource"]["name"] for a in acls if a["resource"]["type"] == "group"}
        assert groups == {f"unionfed-{service}"}
        writes = {a["resource"]["name"] for a in acls if "Write" in a["operations"]}
        own = {"finance": {"unionfed.finance", "unionfed.finance.journal"}}.get(service, {f"unionfed.{service}"})
        assert all(t in own or t.endswith(".dlq") for t in writes), (service, writes)


def test_schedules_are_cronjobs_only_when_the_services_own_are_off(rendered):
    for name, docs in rendered.items():
        cronjobs = _of(docs, "CronJob")
        enabled = {
            e["value"]
            for d in _of(docs, "Deployment")
            for c in d["spec"]["template"]["spec"]["containers"]
            for e in c.get("env", [])
            if e["name"].endswith("_SCHEDULES_ENABLED")
        }
        assert enabled == ({"false"} if cronjobs else {"true"}), name
    jobs = {
        d["metadata"]["name"]: d["spec"]["jobTemplate"]["spec"]["template"]["spec"]["containers"][0]["args"]
        for d in _of(rendered["values-large"], "CronJob")
    }
    assert jobs == {
        "unionfed-membership-apply-scheduled": ["unionfed", "membership", "run-job", "apply-scheduled"],
        "unionfed-finance-reconcile": ["unionfed", "finance", "run-job", "reconcile"],
        "unionfed-finance-verify-chain": ["unionfed", "finance", "run-job", "verify-chain"],
    }


def _exported_series() -> set[str]:
    """Every series name the code exposes on /metrics, as Prometheus names them."""
    sources = [ROOT / "shared/src/unionfed_shared/metrics.py", *ROOT.glob("services/*/src/*/adapters/metrics.py")]
    pattern = re.compile(r"\b(Counter|Gauge|Histogram|CounterMetricFamily|GaugeMetricFamily)\(\s*\"(\w+)\"", re.S)
    names: set[str] = set()
    for source in sources:
        for kind, name in pattern.findall(source.read_text()):
            if kind.startswith("Counter"):
                names |= {f"{name}_total", f"{name}_created"}
            elif kind == "Histogram":
                names |= {f"{name}_bucket", f"{name}_sum", f"{name}_count"}
            else:
                names.add(name)
    return names


def _series_in(expr: str) -> set[str]:
    without_strings = re.sub(r'"[^"]*"', '""', expr)
    without_labels = re.sub(r"\{[^}]*\}", "", without_strings)
    without_ranges = re.sub(r"\[[^\]]*\]", "", without_labels)
    words = set(re.findall(r"\b[a-z_][a-z0-9_]*\b", without_ranges))
    promql = {
        "sum",
        "max",
        "min",
        "count",
        "by",
        "rate",
        "deriv",
        "and",
        "or",
        "unless",
        "time",
        "vector",
        "histogram_quantile",
        "le",
        "on",
        "ignoring",
        "without",
        "offset",
        "bool",
        "delta",
        "increase",
    }
    label_names = {
        "namespace",
        "group",
        "topic",
        "partition",
        "consumer",
        "service",
        "subject",
        "check",
        "status",
        "route",
        "operation",
        "greeting",
        "organization",
        "name",
        "job_name",
        "probe",
        "outcome",
        "pod",
    }
    return {w for w in words - promql - label_names if not w.isdigit()}


def test_alerts_and_the_dashboard_name_only_series_the_code_exports(rendered):
    exported = _exported_series()
    assert {
        "unionfed_consumer_lag",
        "unionfed_dead_letters",
        "unionfed_http_requests_total",
        "unionfed_finance_postings_total",
        "unionfed_welfare_greeting_size",
    } <= exported
    rules = [r for d in _of(rendered["values"], "PrometheusRule") for g in d["spec"]["groups"] for r in g["rules"]]
    alerts = {r["alert"] for r in rules}
    assert {
        "UnionfedConsumerLagGrowing",
        "UnionfedDeadLetters",
        "UnionfedOutboxStuck",
        "UnionfedHTTP5xxRate",
        "UnionfedLedgerChainBroken",
        "UnionfedReconcileFailed",
        "UnionfedCertificateExpiresSoon",
    } <= alerts
    dashboard_map = next(d for d in _of(rendered["values"], "ConfigMap") if d["metadata"]["name"].endswith("dashboard"))
    assert dashboard_map["metadata"]["labels"]["grafana_dashboard"] == "1"
    dashboard = json.loads(dashboard_map["data"]["unionfed.json"])
    exprs = [(r["alert"], r["expr"]) for r in rules] + [
        (p["title"], t["expr"]) for p in dashboard["panels"] for t in p["targets"]
    ]
    for where, expr in exprs:
        series = _series_in(expr)
        assert series, (where, expr)
        unknown = {s for s in series if s not in exported and s not in EXTERNAL_SERIES}
        assert not unknown, f"{where}: {sorted(unknown)} not exported by the code"


def test_a_misspelt_operator_field_fails_the_schema_check(rendered, tmp_path):
    """The CRD schemas are strict: a field an operator does not know is an error, not ignored."""
    topic = next(iter(_of(rendered["values"], "KafkaTopic")))
    topic["spec"]["retentionMs"] = -1  # belongs under spec.config as retention.ms
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump(topic))
    kubeconform = sorted((CACHE / "bin").glob("kubeconform-*"))[-1]
    schemas = sorted(CACHE.glob("schemas-*/crds"), key=lambda p: p.stat().st_mtime)[-1]
    result = subprocess.run(
        [
            str(kubeconform),
            "-strict",
            "-schema-location",
            f"{schemas}/{{{{ .Group }}}}/{{{{ .ResourceKind }}}}_{{{{ .ResourceAPIVersion }}}}.json",
            str(bad),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0 and "retentionMs" in result.stdout, result.stdout


def _runtime(service: str, monkeypatch):
    import importlib

    from unionfed_shared.runtime import build_runtime

    prefix = service.upper()
    monkeypatch.setenv(f"{prefix}_DATABASE_URL", "postgresql+asyncpg://chart:chart@127.0.0.1:1/chart")
    monkeypatch.setenv(f"{prefix}_JWT_SECRET", "c" * 40)
    app = importlib.import_module(f"unionfed_{service}.entrypoints.app")
    return build_runtime(app.definition())


@pytest.mark.parametrize("service", SERVICES)
def test_a_services_kafka_user_and_settings_match_its_code(rendered, service, monkeypatch):
    """ACLs = the service's AsyncAPI document (what it receives and sends); every variable the chart
    sets under the service's prefix is one of its settings."""
    runtime = _runtime(service, monkeypatch)
    doc = runtime.asyncapi
    address = {key: channel["address"] for key, channel in doc["channels"].items()}
    sends = {
        address[o["channel"]["$ref"].rsplit("/", 1)[-1]] for o in doc["operations"].values() if o["action"] == "send"
    }
    user = next(u for u in _of(rendered["values"], "KafkaUser") if u["metadata"]["name"] == f"unionfed-{service}")
    acls = user["spec"]["authorization"]["acls"]
    reads = {a["resource"]["name"] for a in acls if a["resource"]["type"] == "topic" and "Read" in a["operations"]}
    writes = {a["resource"]["name"] for a in acls if a["resource"]["type"] == "topic" and "Write" in a["operations"]}
    assert reads == set(runtime.consumer.topics)
    assert writes == sends

    prefix = f"{service.upper()}_"
    fields = set(type(runtime.settings).model_fields)
    for docs in rendered.values():
        for workload, pod in _pod_specs(docs):
            for container in pod["containers"]:
                names = {e["name"] for e in container.get("env", [])}
                if not any(n.startswith(prefix) for n in names) or not workload.startswith(f"unionfed-{service}-"):
                    continue
                unknown = {n for n in names if n.startswith(prefix) and n.removeprefix(prefix).lower() not in fields}
                assert not unknown, (workload, unknown)


@pytest.mark.parametrize("service", SERVICES)
def test_every_pod_of_a_service_authenticates_to_kafka_as_its_kafka_user(rendered, service, monkeypatch, tmp_path):
    """SASL_SSL on the scram listener with the KafkaUser's Strimzi Secret and the cluster CA; the same
    for KEDA's lag reads; the settings the chart sets are accepted by the service."""
    runtime = _runtime(service, monkeypatch)
    prefix, user = f"{service.upper()}_", f"unionfed-{service}"
    for name, docs in rendered.items():
        kafka = _of(docs, "Kafka")[0]
        scram = next(li for li in kafka["spec"]["kafka"]["listeners"] if li["name"] == "scram")
        assert scram["tls"] and scram["authentication"]["type"] == "scram-sha-512"
        assert user in {u["metadata"]["name"] for u in _of(docs, "KafkaUser")}
        ca_secret = f"{kafka['metadata']['name']}-cluster-ca-cert"
        pods = [(w, p) for w, p in _pod_specs(docs) if w.startswith(f"unionfed-{service}-")]
        assert pods, name
        for workload, pod in pods:
            container = pod["containers"][0]
            env = {e["name"]: e for e in container["env"]}
            assert env[f"{prefix}KAFKA_BOOTSTRAP_SERVERS"]["value"].endswith(f":{scram['port']}"), workload
            assert env[f"{prefix}KAFKA_SASL_USERNAME"]["value"] == user
            assert env[f"{prefix}KAFKA_SASL_PASSWORD"]["valueFrom"]["secretKeyRef"] == {"name": user, "key": "password"}
            cafile = Path(env[f"{prefix}KAFKA_SSL_CAFILE"]["value"])
            mount = next(m for m in container["volumeMounts"] if cafile.parent == Path(m["mountPath"]))
            volume = next(v for v in pod["volumes"] if v["name"] == mount["name"])
            assert volume["secret"]["secretName"] == ca_secret and volume["secret"]["items"][0]["path"] == cafile.name
            # What the pod's settings would be, with the Secrets' contents stood in for.
            (tmp_path / "ca.crt").write_text("-----BEGIN CERTIFICATE-----\n")
            values = {k.removeprefix(prefix).lower(): e["value"] for k, e in env.items() if "value" in e}
            values.update(kafka_sasl_password="from-the-secret", kafka_ssl_cafile=str(tmp_path / "ca.crt"))
            settings = type(runtime.settings)(**{**runtime.settings.model_dump(), **values})
            assert settings.kafka_security_protocol == "SASL_SSL"
            assert settings.kafka_sasl_mechanism == "SCRAM-SHA-512"
            port = {p["port"] for rule in _of_policy(docs, service) for p in rule.get("ports", [])}
            assert scram["port"] in port and 9092 not in port, workload
        scaled = next(s for s in _of(docs, "ScaledObject") if s["metadata"]["name"].endswith(f"-{service}-consumer"))
        trigger = scaled["spec"]["triggers"][0]
        assert trigger["metadata"]["sasl"] == "scram_sha512" and trigger["metadata"]["tls"] == "enable"
        auth = next(
            a
            for a in _of(docs, "TriggerAuthentication")
            if a["metadata"]["name"] == trigger["authenticationRef"]["name"]
        )
        refs = {r["parameter"]: (r["name"], r["key"]) for r in auth["spec"]["secretTargetRef"]}
        assert refs == {"password": (user, "password"), "ca": (ca_secret, "ca.crt")}
        assert auth["spec"]["env"] == [
            {"parameter": "username", "name": f"{prefix}KAFKA_SASL_USERNAME", "containerName": service}
        ]
    large = _of(rendered["values-large"], "Kafka")[0]
    assert large["spec"]["kafka"]["authorization"] == {"type": "simple"}, "values-large enforces the ACLs"


def _of_policy(docs: list[dict], service: str) -> list[dict]:
    """The egress rules of the service's NetworkPolicy that reach Kafka's brokers."""
    return [
        rule
        for policy in _of(docs, "NetworkPolicy")
        if policy["spec"]["podSelector"].get("matchLabels", {}).get("unionfed.io/service") == service
        for rule in policy["spec"].get("egress", [])
        if any(t.get("podSelector", {}).get("matchLabels", {}).get("strimzi.io/kind") == "Kafka" for t in rule["to"])
    ]
