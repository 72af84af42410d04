#!/usr/bin/env bash
# Validates the chart without a cluster: helm lint, helm template for values.yaml,
# values-small.yaml and values-large.yaml, and kubeconform (strict, no kind without a schema)
# against the Kubernetes schemas and the operators' own CRD schemas.
#
#   bash deploy/helm/check.sh [OUT_DIR]      # rendered manifests land in OUT_DIR (default: a temp dir)
#
# Every tool and schema is pinned below and fetched once, through the package registries, into
# ${UNIONFED_CHART_CACHE:-~/.cache/unionfed/chart}; later runs (and other clones on the machine)
# reuse it. Needs Go (>= 1.26), Maven, a JDK >= 21 (Strimzi's CRD generator) and Python 3.
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
CHART="$HERE/unionfed"
CACHE="${UNIONFED_CHART_CACHE:-$HOME/.cache/unionfed/chart}"

# --- Pins ----------------------------------------------------------------------------------------
HELM_VERSION=v4.3.2                 # Go module helm.sh/helm/v4 (go install)
KUBECONFORM_VERSION=v0.8.0          # Go module github.com/yannh/kubeconform (go install)
K8S_VERSION=1.34.0                  # Kubernetes schemas: PyPI kubernetes-validate's copy for this version
K8S_SCHEMAS_WHEEL=kubernetes-validate==1.37.0
K8S_SCHEMAS_SHA256=85136d018a27b50ec7fc049d902bfa5193f5976807e6c0f408e3ab6fe078cad9
CNPG_MODULE=github.com/cloudnative-pg/cloudnative-pg@v1.27.1       # config/crd/bases
KEDA_MODULE=github.com/kedacore/keda/v2@v2.20.2                     # config/crd/bases
PROMETHEUS_OPERATOR_MODULE=github.com/prometheus-operator/prometheus-operator@v0.85.0  # example/prometheus-operator-crd
STRIMZI_VERSION=1.2.0               # Maven io.strimzi:api + io.strimzi:crd-generator: the CRDs generated as Strimzi's build does
KEYCLOAK_CRDS="$HERE/vendor/keycloak-operator-26.0.0"  # not on any registry: vendored, checked by SHA256SUMS

log() { printf 'chart-check: %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

GO="$(command -v go || echo /usr/local/go/bin/go)"
[ -x "$GO" ] || die "Go not found (needed once to build helm and kubeconform)"
export GOTOOLCHAIN=local GOFLAGS=-mod=mod
mkdir -p "$CACHE"

# --- Tools -----------------------------------------------------------------------------------------
go_tool() {  # go_tool NAME PACKAGE VERSION → path of the binary
  local bin="$CACHE/bin/$1-$3"
  if [ ! -x "$bin" ]; then
    log "building $1 $3 (once; a few minutes)"
    local tmp; tmp="$(mktemp -d)"
    (cd "$tmp" && GOBIN="$tmp" "$GO" install "$2@$3") >&2
    mkdir -p "$CACHE/bin" && mv "$tmp/$1" "$bin" && rm -rf "$tmp"
  fi
  echo "$bin"
}
HELM="$(go_tool helm helm.sh/helm/v4/cmd/helm "$HELM_VERSION")"
KUBECONFORM="$(go_tool kubeconform github.com/yannh/kubeconform/cmd/kubeconform "$KUBECONFORM_VERSION")"

# --- Schemas ---------------------------------------------------------------------------------------
# The project's environment has PyYAML (schemas.py).
python="$HERE/../../.venv/bin/python"
[ -x "$python" ] || python="$(command -v python3)"
stamp="$(printf '%s\n' "$K8S_VERSION" "$K8S_SCHEMAS_WHEEL" "$CNPG_MODULE" "$KEDA_MODULE" \
  "$PROMETHEUS_OPERATOR_MODULE" "$STRIMZI_VERSION" | cat - "$HERE/schemas.py" "$KEYCLOAK_CRDS/SHA256SUMS" | sha256sum | cut -c1-16)"
SCHEMAS="$CACHE/schemas-$stamp"

module_dir() { (cd "$CACHE" && "$GO" mod download -json "$1") | "$python" -c 'import json,sys; d=json.load(sys.stdin); print(d.get("Dir") or sys.exit(d.get("Error")))'; }

strimzi_crds() {  # → directory of Strimzi's Kafka, KafkaNodePool, KafkaTopic and KafkaUser CRDs
  local dir="$CACHE/strimzi-$STRIMZI_VERSION"
  if [ ! -f "$dir/crds/kafka.yaml" ]; then
    command -v mvn >/dev/null || die "mvn not found (needed once for Strimzi's CRDs; apt-get install -y maven)"
    local java="" candidate
    for candidate in "${JAVA_HOME:+$JAVA_HOME/bin/java}" $(ls -d /usr/lib/jvm/*/bin/java 2>/dev/null | sort -rV) "$(command -v java || true)"; do
      [ -n "$candidate" ] && [ -x "$candidate" ] || continue
      if [ "$("$candidate" -XshowSettings:properties -version 2>&1 | sed -n 's/.*java.specification.version = //p')" -ge 21 ] 2>/dev/null; then
        java="$candidate"; break
      fi
    done
    [ -n "$java" ] || die "a JDK >= 21 is needed once for Strimzi's CRD generator (README: Temurin 25)"
    log "generating Strimzi $STRIMZI_VERSION's CRDs (once)"
    rm -rf "$dir" && mkdir -p "$dir/crds"
    cat >"$dir/pom.xml" <<EOF
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>unionfed.chart</groupId><artifactId>strimzi-crds</artifactId><version>1</version>
  <dependencies>
    <dependency><groupId>io.strimzi</groupId><artifactId>api</artifactId><version>$STRIMZI_VERSION</version></dependency>
    <dependency><groupId>io.strimzi</groupId><artifactId>crd-generator</artifactId><version>$STRIMZI_VERSION</version></dependency>
  </dependencies>
</project>
EOF
    (cd "$dir" && mvn -q -B dependency:copy-dependencies -DoutputDirectory=libs -DincludeScope=runtime) >&2 </dev/null
    # The arguments of Strimzi's own build (api/pom.xml, "generate-crds").
    "$java" -cp "$dir/libs/*" io.strimzi.crdgenerator.CrdGenerator \
      --label app:strimzi --label strimzi.io/crd-install:true --target-kube 1.16+ \
      --crd-api-version v1 --api-versions v1 --storage-version v1 --yaml \
      "io.strimzi.api.kafka.model.kafka.Kafka=$dir/crds/kafka.yaml" \
      "io.strimzi.api.kafka.model.nodepool.KafkaNodePool=$dir/crds/kafkanodepool.yaml" \
      "io.strimzi.api.kafka.model.topic.KafkaTopic=$dir/crds/kafkatopic.yaml" \
      "io.strimzi.api.kafka.model.user.KafkaUser=$dir/crds/kafkauser.yaml" >&2
  fi
  echo "$dir/crds"
}

if [ ! -f "$SCHEMAS/.complete" ]; then
  rm -rf "$SCHEMAS" && mkdir -p "$SCHEMAS"
  (cd "$KEYCLOAK_CRDS" && sha256sum --quiet -c SHA256SUMS) || die "vendored Keycloak CRDs differ from SHA256SUMS"
  wheel_dir="$CACHE/kubernetes-validate"
  if [ ! -f "$wheel_dir/.ok-$K8S_SCHEMAS_SHA256" ]; then
    log "fetching $K8S_SCHEMAS_WHEEL (once)"
    command -v uv >/dev/null || die "uv not found (make test installs it)"
    rm -rf "$wheel_dir" && mkdir -p "$wheel_dir"
    printf '%s --hash=sha256:%s\n' "$K8S_SCHEMAS_WHEEL" "$K8S_SCHEMAS_SHA256" >"$wheel_dir/requirements.txt"
    uv pip install -q --no-deps --require-hashes -r "$wheel_dir/requirements.txt" \
      --target "$wheel_dir/site" --python "$python" >&2
    touch "$wheel_dir/.ok-$K8S_SCHEMAS_SHA256"
  fi
  unpacked="$wheel_dir/site/kubernetes_validate/kubernetes-json-schema/v$K8S_VERSION-local-strict"
  [ -f "$unpacked/_definitions.json" ] || die "$K8S_SCHEMAS_WHEEL has no schemas for Kubernetes $K8S_VERSION"
  "$python" "$HERE/schemas.py" k8s "$unpacked" "$SCHEMAS/k8s" >&2
  cnpg="$(module_dir "$CNPG_MODULE")"
  keda="$(module_dir "$KEDA_MODULE")"
  promop="$(module_dir "$PROMETHEUS_OPERATOR_MODULE")"
  strimzi="$(strimzi_crds)"
  "$python" "$HERE/schemas.py" crd "$SCHEMAS/crds" \
    "$strimzi"/*.yaml \
    "$cnpg"/config/crd/bases/postgresql.cnpg.io_*.yaml \
    "$keda"/config/crd/bases/*.yaml \
    "$promop"/example/prometheus-operator-crd/monitoring.coreos.com_*.yaml \
    "$KEYCLOAK_CRDS"/*.yml >&2
  touch "$SCHEMAS/.complete"
fi

# --- The checks ------------------------------------------------------------------------------------
OUT="${1:-$(mktemp -d)}"
mkdir -p "$OUT"
cd "$HERE"
for values in values.yaml values-small.yaml values-large.yaml; do
  name="${values%.yaml}"
  log "helm lint --strict ($values)"
  if ! lint="$("$HELM" lint --strict unionfed -f "unionfed/$values" 2>&1)"; then
    printf '%s\n' "$lint" >&2; die "helm lint failed for $values"
  fi
  log "helm template ($values)"
  if ! "$HELM" template unionfed unionfed -n unionfed -f "unionfed/$values" >"$OUT/$name.yaml" 2>"$OUT/$name.err"; then
    cat "$OUT/$name.err" >&2; die "helm template failed for $values"
  fi
done
log "kubeconform -strict (Kubernetes $K8S_VERSION; Strimzi $STRIMZI_VERSION, CloudNativePG ${CNPG_MODULE#*@}, KEDA ${KEDA_MODULE#*@}, Keycloak operator 26.0.0, Prometheus Operator ${PROMETHEUS_OPERATOR_MODULE#*@})"
"$KUBECONFORM" -strict -summary -kubernetes-version "$K8S_VERSION" \
  -schema-location "$SCHEMAS/k8s/{{ .ResourceKind }}{{ .KindSuffix }}.json" \
  -schema-location "$SCHEMAS/crds/{{ .Group }}/{{ .ResourceKind }}_{{ .ResourceAPIVersion }}.json" \
  "$OUT"/values.yaml "$OUT"/values-small.yaml "$OUT"/values-large.yaml
echo "chart-check: OK (rendered manifests in $OUT)"
