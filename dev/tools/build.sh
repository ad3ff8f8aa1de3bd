#!/usr/bin/env bash
# Builds or installs the delivery checkers into the version-keyed cache, each skipped when present:
#   helm           helm, from the Go module proxy
#   helm-unittest  the helm-unittest plugin, from its Go module (a wrapper module for its replace)
#   tilt           tilt, from its Go module (a wrapper module for its replace directives; needs cgo)
#   pytools        checkov, kubernetes-validate and hadolint in a venv, from python-requirements.txt
#   crds           the Gateway API and Prometheus Operator CRDs, from their Go modules
#   all            everything above
#   env            everything above, then prints KEY=VALUE lines naming each tool (for eval)
# Without an argument: helm, printing the directory holding it (as before).
source "$(dirname "$0")/../lib/common.sh"
# shellcheck source=versions.env
source "$QUIRE_ROOT/dev/tools/versions.env"
need go tools "install Go 1.24 or newer"

HELM_DIR=$QUIRE_CACHE/helm-v$HELM_VERSION
UNITTEST_DIR=$QUIRE_CACHE/helm-unittest-v$HELM_UNITTEST_VERSION
TILT_DIR=$QUIRE_CACHE/tilt-v$TILT_VERSION
PYTOOLS_DIR=$QUIRE_CACHE/pytools-checkov$CHECKOV_VERSION-kv$KUBERNETES_VALIDATE_VERSION-hadolint$HADOLINT_VERSION

# module_dir MODULE@VERSION: downloads a module from the proxy and prints its (read-only) folder.
module_dir() {
  go mod download -json "$1" | python3 -c 'import json,sys; m=json.load(sys.stdin); print(m.get("Dir") or sys.exit(m.get("Error")))'
}

# wrapper_module DIR MODULE VERSION: a main module in DIR/src that requires MODULE@VERSION with the
# module's own replace directives and go.sum. `go install module@version` refuses modules with
# replace directives; a wrapper that repeats them builds the same binary the project releases.
wrapper_module() {
  local dir=$1 module=$2 version=$3 src gomod moddir
  src=$dir/src; mkdir -p "$src"
  gomod=$(go mod download -json "$module@v$version" | python3 -c 'import json,sys; print(json.load(sys.stdin)["GoMod"])')
  moddir=$(module_dir "$module@v$version")
  {
    echo "module quire.dev/dev/tools/wrapper"
    echo
    grep -E '^go ' "$gomod"
    echo
    echo "require $module v$version"
    echo
    # Both the block form and single-line replaces.
    awk '/^replace \(/{block=1} block{print} block&&/^\)/{block=0} /^replace [^(]/{print}' "$gomod"
  } >"$src/go.mod"
  # The module's go.sum already holds the hashes of every dependency (some are not in the checksum
  # database the proxy answers for).
  install -m 0644 "$moddir/go.sum" "$src/go.sum"
  echo "$src"
}

build_helm() {
  # The stamp marks a build with the release's ldflags; older builds in the cache are replaced.
  [[ -x $HELM_DIR/bin/helm && -f $HELM_DIR/release-ldflags ]] && return 0
  mkdir -p "$HELM_DIR"
  log "building helm v$HELM_VERSION (log: $HELM_DIR/build.log)"
  # As helm's own Makefile: the default Kubernetes version (`helm template`, `helm lint`) is the
  # minor after that of its client-go, not the built-in 1.20 a plain `go install` leaves.
  local gomod minor ldflags
  gomod=$(go mod download -json "helm.sh/helm/v3@v$HELM_VERSION" | python3 -c 'import json,sys; print(json.load(sys.stdin)["GoMod"])') ||
    die helm "could not download helm.sh/helm/v3@v$HELM_VERSION"
  minor=$(sed -n 's#^\s*k8s.io/client-go v0\.\([0-9]*\)\..*#\1#p' "$gomod")
  ldflags="-s -w -X helm.sh/helm/v3/internal/version.version=v$HELM_VERSION"
  for pkg in helm.sh/helm/v3/pkg/lint/rules helm.sh/helm/v3/pkg/chartutil; do
    ldflags+=" -X $pkg.k8sVersionMajor=1 -X $pkg.k8sVersionMinor=$minor"
  done
  GOBIN=$HELM_DIR/bin CGO_ENABLED=0 go install -trimpath -ldflags "$ldflags" \
    "helm.sh/helm/v3/cmd/helm@v$HELM_VERSION" >"$HELM_DIR/build.log" 2>&1 ||
    die helm "go install failed" "$HELM_DIR/build.log"
  echo "$ldflags" >"$HELM_DIR/release-ldflags"
}

build_helm_unittest() {
  local plugin=$UNITTEST_DIR/plugins/unittest
  [[ -x $plugin/untt && -f $plugin/plugin.yaml ]] && return 0
  local logf=$UNITTEST_DIR/build.log src
  mkdir -p "$plugin"; : >"$logf"
  log "building helm-unittest v$HELM_UNITTEST_VERSION (log: $logf)"
  src=$(wrapper_module "$UNITTEST_DIR" github.com/helm-unittest/helm-unittest "$HELM_UNITTEST_VERSION" 2>>"$logf") ||
    die helm-unittest "could not prepare the wrapper module" "$logf"
  (cd "$src" && CGO_ENABLED=0 go build -trimpath \
    -ldflags "-s -w -X github.com/helm-unittest/helm-unittest/internal/build.version=$HELM_UNITTEST_VERSION" \
    -o "$plugin/untt" github.com/helm-unittest/helm-unittest/cmd/helm-unittest >>"$logf" 2>&1) ||
    die helm-unittest "go build failed" "$logf"
  # The released plugin.yaml downloads a binary in an install hook; this one names the built binary.
  cat >"$plugin/plugin.yaml" <<EOF
name: "unittest"
version: "$HELM_UNITTEST_VERSION"
usage: "unittest for helm charts"
description: "helm-unittest v$HELM_UNITTEST_VERSION, built from its Go module by dev/tools/build.sh"
ignoreFlags: false
command: "\$HELM_PLUGIN_DIR/untt"
EOF
}

build_tilt() {
  [[ -x $TILT_DIR/bin/tilt ]] && return 0
  need gcc tilt "install gcc (apt-get install gcc): tilt's Starlark language server uses tree-sitter through cgo"
  local logf=$TILT_DIR/build.log src
  mkdir -p "$TILT_DIR/bin"; : >"$logf"
  log "building tilt v$TILT_VERSION (cold: about 15 minutes on 2 cores; log: $logf)"
  src=$(wrapper_module "$TILT_DIR" github.com/tilt-dev/tilt "$TILT_VERSION" 2>>"$logf") ||
    die tilt "could not prepare the wrapper module" "$logf"
  (cd "$src" && CGO_ENABLED=1 go build -p 2 -trimpath \
    -ldflags "-s -w -X main.version=$TILT_VERSION" \
    -o "$TILT_DIR/bin/tilt" github.com/tilt-dev/tilt/cmd/tilt >>"$logf" 2>&1) ||
    die tilt "go build failed" "$logf"
}

install_pytools() {
  [[ -x $PYTOOLS_DIR/bin/checkov && -x $PYTOOLS_DIR/bin/kubernetes-validate && -x $PYTOOLS_DIR/bin/hadolint ]] && return 0
  need python3 pytools "install Python 3.10 or newer with venv"
  local logf=$QUIRE_CACHE/pytools-install.log
  log "installing checkov $CHECKOV_VERSION, kubernetes-validate $KUBERNETES_VALIDATE_VERSION and hadolint $HADOLINT_VERSION (log: $logf)"
  rm -rf "$PYTOOLS_DIR"
  { python3 -m venv "$PYTOOLS_DIR" &&
    "$PYTOOLS_DIR/bin/pip" install --no-input --disable-pip-version-check \
      -r "$QUIRE_ROOT/dev/tools/python-requirements.txt"; } >"$logf" 2>&1 ||
    { rm -rf "$PYTOOLS_DIR"; die pytools "pip install failed" "$logf"; }
}

fetch_crds() {
  GATEWAY_API_DIR=$(module_dir "sigs.k8s.io/gateway-api@v$GATEWAY_API_VERSION") ||
    die crds "could not download sigs.k8s.io/gateway-api@v$GATEWAY_API_VERSION"
  PROMETHEUS_OPERATOR_DIR=$(module_dir "github.com/prometheus-operator/prometheus-operator@v$PROMETHEUS_OPERATOR_VERSION") ||
    die crds "could not download github.com/prometheus-operator/prometheus-operator@v$PROMETHEUS_OPERATOR_VERSION"
}

case ${1:-helm-dir} in
  helm-dir) build_helm; echo "$HELM_DIR/bin" ;;
  helm) build_helm ;;
  helm-unittest) build_helm_unittest ;;
  tilt) build_tilt ;;
  pytools) install_pytools ;;
  crds) fetch_crds ;;
  all) build_helm; build_helm_unittest; install_pytools; fetch_crds; build_tilt ;;
  env)
    build_helm; build_helm_unittest; install_pytools; fetch_crds; build_tilt
    echo "HELM=$HELM_DIR/bin/helm"
    echo "HELM_PLUGINS=$UNITTEST_DIR/plugins"
    echo "TILT=$TILT_DIR/bin/tilt"
    echo "CHECKOV=$PYTOOLS_DIR/bin/checkov"
    echo "KUBERNETES_VALIDATE=$PYTOOLS_DIR/bin/kubernetes-validate"
    echo "HADOLINT=$PYTOOLS_DIR/bin/hadolint"
    echo "GATEWAY_API_CRDS=$GATEWAY_API_DIR/config/crd/standard"
    echo "PROMETHEUS_OPERATOR_CRDS=$PROMETHEUS_OPERATOR_DIR/example/prometheus-operator-crd"
    ;;
  *) die tools "unknown target '$1' (use helm, helm-unittest, tilt, pytools, crds, all or env)" ;;
esac
