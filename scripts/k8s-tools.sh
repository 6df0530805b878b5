#!/usr/bin/env bash
# What the tests of deploy/k8s need, installed offline-ready from package registries only:
#  - kustomize, built from its Go module (the Go module proxy);
#  - the CustomResourceDefinitions the manifests use, at pinned operator versions: KEDA,
#    CloudNativePG and prometheus-operator ship theirs in their Go module zips; Strimzi's are
#    generated from its published API classes by its own CRD generator (Maven Central), the
#    way its release build makes them.
# The core Kubernetes schemas come with the `kubernetes-validate` dev dependency (uv.lock).
# Everything is cached under ~/.cache/apoyo (or $APOYO_CACHE) and linked into .local/k8s;
# a second run with the cache in place does nothing but check the links.
set -euo pipefail
cd "$(dirname "$0")/.."

KUSTOMIZE_VERSION=v5.7.1
KEDA_VERSION=v2.21.0
CNPG_VERSION=v1.28.1
PROMETHEUS_OPERATOR_VERSION=v0.85.0
STRIMZI_VERSION=1.2.0  # needs Java 21 or newer to run its generator

CACHE="${APOYO_CACHE:-$HOME/.cache/apoyo}"
KUSTOMIZE_HOME="$CACHE/kustomize-$KUSTOMIZE_VERSION"
CRDS="$CACHE/crds-v2-keda-$KEDA_VERSION-cnpg-$CNPG_VERSION-prom-$PROMETHEUS_OPERATOR_VERSION-strimzi-$STRIMZI_VERSION"
LINKS=.local/k8s

export GOPATH="$CACHE/go" GOMODCACHE="$CACHE/go/mod" GOCACHE="$CACHE/go/build"
export GOTOOLCHAIN=local GOFLAGS=-mod=mod

say() { echo "k8s-tools: $*"; }

install_kustomize() {
  [ -x "$KUSTOMIZE_HOME/kustomize" ] && return 0
  say "building kustomize $KUSTOMIZE_VERSION (once; a minute or two)"
  GOBIN="$KUSTOMIZE_HOME" nice go install -p 2 "sigs.k8s.io/kustomize/kustomize/v5@$KUSTOMIZE_VERSION"
}

module_zip() {  # MODULE@VERSION: print the path of its zip, downloaded once into the module cache
  (cd /tmp && go mod download -json "$1") | sed -n 's/^\t"Zip": "\(.*\)",$/\1/p'
}

from_module() {  # MODULE VERSION FILE...: copy FILEs (paths inside the module) into $1's out dir
  local out=$1 module=$2 version=$3 zip
  shift 3
  zip="$(module_zip "$module@$version")"
  for file in "$@"; do
    unzip -p "$zip" "$module@$version/$file" >"$out/$(basename "$file")"
  done
}

java_21() {  # print a java that is 21 or newer: JAVA_HOME's, the PATH's or one under /usr/lib/jvm
  local candidate major
  for candidate in "${JAVA_HOME:-/nonexistent}/bin/java" "$(command -v java || true)" \
    /usr/lib/jvm/*/bin/java; do
    [ -x "$candidate" ] || continue
    major="$("$candidate" -XshowSettings:properties -version 2>&1 |
      sed -n 's/^ *java.specification.version = \([0-9]*\).*/\1/p')"
    if [ "${major:-0}" -ge 21 ]; then
      echo "$candidate"
      return 0
    fi
  done
  return 1
}

strimzi_crds() {  # OUT: generate the Kafka, KafkaNodePool and KafkaTopic CRDs
  local out=$1 repo="$CACHE/m2" java jars="" artifact
  java="$(java_21)" || { say "no Java 21 or newer found (set JAVA_HOME)" >&2; return 1; }
  for artifact in api crd-annotations crd-generator; do
    mvn -q -B -Dmaven.repo.local="$repo" dependency:get -Dtransitive=false \
      "-Dartifact=io.strimzi:$artifact:$STRIMZI_VERSION" >"$out/mvn.log" 2>&1 ||
      { cat "$out/mvn.log" >&2; return 1; }
    jars="$jars:$repo/io/strimzi/$artifact/$STRIMZI_VERSION/$artifact-$STRIMZI_VERSION.jar"
  done
  rm -f "$out/mvn.log"
  local model=io.strimzi.api.kafka.model
  "$java" -cp "${jars#:}" io.strimzi.crdgenerator.CrdGenerator --yaml \
    --target-kube 1.16+ --crd-api-version v1 --api-versions v1 --storage-version v1 \
    "$model.kafka.Kafka=$out/kafka.strimzi.io_kafkas.yaml" \
    "$model.nodepool.KafkaNodePool=$out/kafka.strimzi.io_kafkanodepools.yaml" \
    "$model.topic.KafkaTopic=$out/kafka.strimzi.io_kafkatopics.yaml"
}

install_crds() {
  [ -f "$CRDS/.complete" ] && return 0
  say "collecting the operators' CRDs into $CRDS"
  rm -rf "$CRDS.tmp" && mkdir -p "$CRDS.tmp"
  from_module "$CRDS.tmp" github.com/kedacore/keda/v2 "$KEDA_VERSION" \
    config/crd/bases/keda.sh_scaledobjects.yaml config/crd/bases/keda.sh_triggerauthentications.yaml
  from_module "$CRDS.tmp" github.com/cloudnative-pg/cloudnative-pg "$CNPG_VERSION" \
    config/crd/bases/postgresql.cnpg.io_clusters.yaml
  local examples=example/prometheus-operator-crd
  from_module "$CRDS.tmp" github.com/prometheus-operator/prometheus-operator \
    "$PROMETHEUS_OPERATOR_VERSION" "$examples/monitoring.coreos.com_servicemonitors.yaml" \
    "$examples/monitoring.coreos.com_prometheusrules.yaml" \
    "$examples/monitoring.coreos.com_podmonitors.yaml"
  strimzi_crds "$CRDS.tmp"
  touch "$CRDS.tmp/.complete"
  rm -rf "$CRDS" && mv "$CRDS.tmp" "$CRDS"
}

install_kustomize
install_crds
mkdir -p "$LINKS"
ln -sfn "$KUSTOMIZE_HOME/kustomize" "$LINKS/kustomize"
ln -sfn "$CRDS" "$LINKS/crds"
say "ready: $LINKS/kustomize ($KUSTOMIZE_VERSION), $LINKS/crds ($(find "$CRDS/" -name '*.yaml' | wc -l) CRDs)"
