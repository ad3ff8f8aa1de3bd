#!/usr/bin/env bash
# Builds the local cluster's binaries from the Go module proxy into the version-keyed cache:
# kube-apiserver, kube-controller-manager, kube-scheduler and kubectl (k8s.io/kubernetes),
# etcd (dev/cluster/etcd) and kwok. Each is skipped when already present.
source "$(dirname "$0")/../lib/common.sh"
need go cluster "install Go 1.24 or newer"

K8S_DIR=$QUIRE_CACHE/kubernetes-v$K8S_VERSION
ETCD_DIR=$QUIRE_CACHE/etcd-v$ETCD_VERSION
KWOK_DIR=$QUIRE_CACHE/kwok-v$KWOK_VERSION
mkdir -p "$K8S_DIR" "$ETCD_DIR" "$KWOK_DIR"

timed() { # timed LOG CMD...: run, record wall time and peak RSS (GNU time) in LOG
  local logf=$1; shift
  if [[ -x /usr/bin/time ]]; then /usr/bin/time -v "$@" >>"$logf" 2>&1; else "$@" >>"$logf" 2>&1; fi
}

build_kubernetes() {
  local bin=$K8S_DIR/bin
  if [[ -x $bin/kube-apiserver && -x $bin/kube-controller-manager && -x $bin/kube-scheduler && -x $bin/kubectl ]]; then
    return 0
  fi
  local src=$K8S_DIR/src logf=$K8S_DIR/build.log
  mkdir -p "$src" "$bin"; : >"$logf"
  log "building Kubernetes v$K8S_VERSION (cold: 20-40 minutes on 2 cores; log: $logf)"
  local gomod
  gomod=$(go mod download -json "k8s.io/kubernetes@v$K8S_VERSION" 2>>"$logf" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["GoMod"])') ||
    die kubernetes "could not download k8s.io/kubernetes@v$K8S_VERSION from the Go module proxy" "$logf"
  local staging=0.${K8S_VERSION#1.}
  {
    echo "module quire.dev/dev/cluster/kubernetes"
    echo
    grep -E '^go ' "$gomod"
    echo
    echo "require k8s.io/kubernetes v$K8S_VERSION"
    echo
    # Staging modules are published at v0.X.Y but required at v0.0.0: point each at its release.
    grep -E '^\s+k8s\.io/[a-z0-9-]+ v0\.0\.0( |$)' "$gomod" | awk '{print $1}' | sort -u |
      sed "s#.*#replace & => & v$staging#"
  } >"$src/go.mod"
  printf 'package tools\n\nimport _ "k8s.io/kubernetes/pkg/kubeapiserver"\n' >"$src/tools.go"
  local minor=${K8S_VERSION#1.}; minor=${minor%%.*}
  local v=v$K8S_VERSION ldflags="-s -w"
  for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    ldflags+=" -X $pkg.gitVersion=$v -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor"
    ldflags+=" -X $pkg.gitTreeState=clean -X $pkg.buildDate=1970-01-01T00:00:00Z"
  done
  (cd "$src" && CGO_ENABLED=0 timed "$logf" go build -p 2 -trimpath -ldflags "$ldflags" -o "$bin/" \
    k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager \
    k8s.io/kubernetes/cmd/kube-scheduler k8s.io/kubernetes/cmd/kubectl) ||
    die kubernetes "go build failed" "$logf"
  "$bin/kube-apiserver" --version >>"$logf"
}

build_etcd() {
  [[ -x $ETCD_DIR/bin/etcd ]] && return 0
  local logf=$ETCD_DIR/build.log; : >"$logf"
  log "building etcd v$ETCD_VERSION (log: $logf)"
  (cd "$QUIRE_ROOT/dev/cluster/etcd" && CGO_ENABLED=0 timed "$logf" go build -trimpath -ldflags "-s -w" -o "$ETCD_DIR/bin/etcd" .) ||
    die etcd "go build failed" "$logf"
}

build_kwok() {
  [[ -x $KWOK_DIR/bin/kwok && -f $KWOK_DIR/stages.yaml ]] && return 0
  local logf=$KWOK_DIR/build.log; : >"$logf"
  log "building kwok v$KWOK_VERSION (log: $logf)"
  GOBIN=$KWOK_DIR/bin CGO_ENABLED=0 timed "$logf" go install -trimpath -ldflags "-s -w" "sigs.k8s.io/kwok/cmd/kwok@v$KWOK_VERSION" ||
    die kwok "go install failed" "$logf"
  # The kwok controller alone (unlike kwokctl) starts with no lifecycle stages. Take the
  # upstream "fast" pod stages and the lease-based node heartbeat from the same module version,
  # so that pods become Running and Ready at once and nodes stay Ready.
  local dir
  dir=$(go mod download -json "sigs.k8s.io/kwok@v$KWOK_VERSION" | python3 -c 'import json,sys; print(json.load(sys.stdin)["Dir"])')
  local stage first=1
  for stage in node/fast/node-initialize node/heartbeat-with-lease/node-heartbeat-with-lease \
    pod/fast/pod-ready pod/fast/pod-complete pod/fast/pod-delete; do
    ((first)) || echo '---'
    first=0
    cat "$dir/kustomize/stage/$stage.yaml"
  done >"$KWOK_DIR/stages.yaml"
}

case "${1:-all}" in
  kubernetes) build_kubernetes ;;
  etcd) build_etcd ;;
  kwok) build_kwok ;;
  all) build_etcd; build_kwok; build_kubernetes ;;
  *) die cluster "unknown build target '$1' (use kubernetes, etcd, kwok or all)" ;;
esac
