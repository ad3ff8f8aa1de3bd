#!/usr/bin/env bash
# The delivery checks (`make check-delivery`): the charts, the rendered manifests, the Dockerfile, the
# kind config and the Tiltfile, each checked by the tool its users run, and against the local
# cluster's real API server. Each step prints what it checked; the first failure stops the run.
#
#   dev/delivery/check.sh [STEP...]   steps: sync lint unit render validate dry-run checkov docker
#                                     web install go tilt (default: all, in that order)
#
# Needs the local cluster (`make cluster-up`) for dry-run and install, and `make build` for install
# (it runs operator/dist/main.js). Tools are built once into the cache by dev/tools/build.sh.
source "$(dirname "$0")/../lib/common.sh"
cd "$QUIRE_ROOT" || exit 1

log "preparing the checkers (dev/tools/build.sh env)"
eval "$(dev/tools/build.sh env)"
export HELM_PLUGINS
# The pinned Node.js 24 and the cluster's kubectl first.
export PATH=$QUIRE_ROOT/node_modules/.bin:$QUIRE_CACHE/kubernetes-v$K8S_VERSION/bin:$PATH
KUBE_VERSION=$K8S_VERSION
OUT=$QUIRE_RUN/delivery
rm -rf "$OUT"; mkdir -p "$OUT/rendered"

step() { printf '\n\033[1;36m--- %s\033[0m\n' "$*"; }
ok() { printf '\033[1;32mok\033[0m %s\n' "$*"; }
fail() { printf '\033[1;31mFAILED\033[0m %s\n' "$*" >&2; exit 1; }

# Charts and their CI values files: chart:values-file. The rendered manifests go to $OUT/rendered.
charts=(charts/quire-operator charts/quire-platform)
render_namespace() { [[ $1 == charts/quire-platform ]] && echo quire-demo || echo quire-system; }

check_sync() {
  step "generated chart files match crds/ (dev/delivery/sync-charts.ts --check)"
  node dev/delivery/sync-charts.ts --check || fail "run: node dev/delivery/sync-charts.ts"
  ok "the chart's CRD copy and quire-platform's values schema are up to date"
  step "the web app's API types match the services' OpenAPI documents (dev/delivery/web-api-types.ts --check)"
  # The generator imports the compiled services; a no-op when they are built.
  npx tsc -b services/auth services/user services/document services/search services/notification services/audit ||
    fail "npx tsc -b of the services the web app calls"
  node dev/delivery/web-api-types.ts --check || fail "run: make generate"
  ok "clients/web/src/api/*.gen.ts are up to date"
}

check_lint() {
  step "helm lint --strict, with the defaults and each ci/*-values.yaml"
  for chart in "${charts[@]}"; do
    "$HELM" lint --strict --kube-version "$KUBE_VERSION" "$chart" >"$OUT/lint.log" 2>&1 ||
      { cat "$OUT/lint.log"; fail "helm lint $chart"; }
    for values in "$chart"/ci/*-values.yaml; do
      "$HELM" lint --strict --kube-version "$KUBE_VERSION" "$chart" -f "$values" >"$OUT/lint.log" 2>&1 ||
        { cat "$OUT/lint.log"; fail "helm lint $chart -f $values"; }
    done
    ok "helm lint --strict $chart (defaults and $(find "$chart/ci" -name '*-values.yaml' | wc -l) values files)"
  done
}

check_unit() {
  step "chart unit tests (helm unittest, tests/*_test.yaml)"
  "$HELM" unittest --color=false "${charts[@]}" | tail -n 6 || fail "helm unittest"
  ok "helm unittest ${charts[*]}"
}

check_render() {
  step "helm template with each ci/*-values.yaml (Kubernetes $KUBE_VERSION)"
  for chart in "${charts[@]}"; do
    local ns name; ns=$(render_namespace "$chart"); name=$(basename "$chart")
    for values in "$chart"/ci/*-values.yaml; do
      local out; out=$OUT/rendered/$name-$(basename "$values" -values.yaml).yaml
      "$HELM" template quire "$chart" -n "$ns" --kube-version "$KUBE_VERSION" -f "$values" >"$out" ||
        fail "helm template $chart -f $values"
      ok "$(basename "$out"): $(grep -c '^kind:' "$out") objects"
    done
  done
  # The samples, the local stores for kind and the Platform Tilt applies are manifests users apply too.
  cp examples/*.yaml "$OUT/rendered/"
  local file
  for file in deploy/kind/*.yaml; do cp "$file" "$OUT/rendered/kind-$(basename "$file")"; done
  npx tsc -b operator || fail "npx tsc -b operator"
  node dev/delivery/tilt-platform.ts >"$OUT/rendered/tilt-platform.yaml" || fail "dev/delivery/tilt-platform.ts"
  ok "samples: examples/, deploy/kind/, and the Platform the Tiltfile applies"
}

check_validate() {
  step "kubernetes-validate --strict against the Kubernetes $KUBE_VERSION schemas"
  # A known-bad manifest first: the validator must reject it, or a pass means nothing.
  printf 'apiVersion: v1\nkind: Service\nmetadata: {name: x}\nspec: {ports: [{port: 80, targetPortt: 8080}]}\n' >"$OUT/bad.yaml"
  if "$KUBERNETES_VALIDATE" -k "$KUBE_VERSION" --strict --quiet "$OUT/bad.yaml" >/dev/null 2>&1; then
    fail "kubernetes-validate accepted a misspelled field; the check is not working"
  fi
  for file in "$OUT"/rendered/*.yaml; do
    "$KUBERNETES_VALIDATE" -k "$KUBE_VERSION" --strict --quiet "$file" 2>&1 | grep -v "Couldn't find schema" |
      sed '/^$/d' >"$OUT/validate.log" || true
    if grep -q . "$OUT/validate.log"; then cat "$OUT/validate.log"; fail "kubernetes-validate $(basename "$file")"; fi
    ok "$(basename "$file") (custom resources are left to the server-side dry run)"
  done
}

# kubectl against the local cluster as admin.
kc() { "$QUIRE_KUBECTL" --kubeconfig "${KUBECONFIG:?}" "$@"; }
load_cluster_env() {
  [[ -f $QUIRE_RUN/env ]] || die delivery "the local cluster is not up: run make cluster-up (or make stack-up)"
  set -a; source "$QUIRE_RUN/env"; set +a
  kc get --raw /readyz >/dev/null 2>&1 || die delivery "the local cluster does not answer: run make cluster-up"
}

check_dry_run() {
  step "server-side dry run of every rendered manifest against the local cluster's API server"
  load_cluster_env
  # CRDs the manifests use, from their projects' pinned releases; applied only if absent, so the
  # shared cluster's own copies are never changed.
  local crd
  # Our own Platform CRD too: on a fresh cluster nothing else has installed it, and without it the
  # known-bad control below would be refused for the wrong reason.
  for crd in "$PROMETHEUS_OPERATOR_CRDS"/monitoring.coreos.com_{servicemonitors,prometheusrules}.yaml \
    "$GATEWAY_API_CRDS"/gateway.networking.k8s.io_httproutes.yaml crds/platform.quire.dev_platforms.yaml; do
    kc get -f "$crd" >/dev/null 2>&1 || kc create -f "$crd" >/dev/null
  done
  kc wait --for=condition=Established crd/servicemonitors.monitoring.coreos.com crd/prometheusrules.monitoring.coreos.com \
    crd/platforms.platform.quire.dev >/dev/null
  # The namespaces the manifests name must exist for a dry run; they are created empty and kept.
  local ns
  for ns in quire-system quire-demo quire-data quire team-a team-b; do
    kc get ns "$ns" >/dev/null 2>&1 || kc create ns "$ns" >/dev/null
  done
  # A known-bad object first: the server must reject it.
  printf 'apiVersion: platform.quire.dev/v1alpha1\nkind: Platform\nmetadata: {name: bad, namespace: quire-demo}\nspec: {version: "-bad"}\n' >"$OUT/bad-platform.yaml"
  if kc apply --server-side --dry-run=server -f "$OUT/bad-platform.yaml" >/dev/null 2>&1; then
    fail "the API server accepted an invalid Platform in a dry run; the check is not working"
  fi
  for file in "$OUT"/rendered/*.yaml; do
    local args=(apply --server-side --dry-run=server --force-conflicts --field-manager=quire-delivery-check -f "$file")
    # The samples have no namespace: they go where the user applies them.
    grep -q '^  namespace:' "$file" || args+=(-n quire-demo)
    kc "${args[@]}" >"$OUT/dry-run.log" 2>&1 || { cat "$OUT/dry-run.log"; fail "dry run of $(basename "$file")"; }
    ok "$(basename "$file"): $(wc -l <"$OUT/dry-run.log") objects accepted (server dry run)"
  done
}

# run_checkov FRAMEWORK FILE-ARGS...: fails on any finding, and when nothing was scanned at all.
run_checkov() {
  local framework=$1; shift
  "$CHECKOV" --quiet --compact --skip-download --framework "$framework" "$@" >"$OUT/checkov.log" 2>&1 ||
    { cat "$OUT/checkov.log"; fail "checkov $framework found problems (fix them, or skip one with a reason where it is declared)"; }
  local counts; counts=$(grep -o 'Passed checks: [0-9]*, Failed checks: [0-9]*, Skipped checks: [0-9]*' "$OUT/checkov.log" | head -1)
  [[ $counts =~ Passed\ checks:\ [1-9] ]] || { cat "$OUT/checkov.log"; fail "checkov $framework scanned nothing"; }
  ok "checkov $framework ($(($# / 2)) files): $counts; every skip names its reason where it is declared"
}

check_checkov() {
  step "checkov on the rendered charts and the Dockerfile; hadolint on the Dockerfile"
  local dir=$OUT/checkov; mkdir -p "$dir"
  # Files named one by one (checkov skips folders under a hidden one such as .run). Each rendered
  # variant is scanned, since values change what is rendered.
  local files=() file
  for file in "$OUT"/rendered/quire-operator-*.yaml; do files+=(-f "$file"); done
  # --skip-download: no Prisma Cloud lookups (not reachable here, and not needed for the checks).
  run_checkov kubernetes "${files[@]}"
  run_checkov dockerfile -f Dockerfile
  "$HADOLINT" Dockerfile || fail "hadolint Dockerfile"
  ok "hadolint Dockerfile"
  shellcheck -x -e SC1091 dev/delivery/*.sh dev/delivery/live/entrypoint.sh dev/tools/build.sh || fail "shellcheck"
  ok "shellcheck of the delivery scripts"
}

check_docker() {
  step "the Dockerfile's stages replayed without Docker (dev/delivery/dockerfile-stages.ts)"
  node dev/delivery/dockerfile-stages.ts ${QUIRE_DOCKERFILE_PACKAGES:+--packages "$QUIRE_DOCKERFILE_PACKAGES"} ||
    fail "the Dockerfile's stages"
}

check_web() {
  step "the web image: clients/web/Dockerfile linted and replayed, nginx.conf tested and served (dev/delivery/web-image.ts)"
  "$HADOLINT" clients/web/Dockerfile || fail "hadolint clients/web/Dockerfile"
  ok "hadolint clients/web/Dockerfile"
  run_checkov dockerfile -f clients/web/Dockerfile
  node dev/delivery/web-image.ts || fail "the web image (clients/web/Dockerfile, clients/web/nginx.conf)"
}

check_install() {
  step "helm install into the local cluster, then the real operator with the chart's ServiceAccount token"
  load_cluster_env
  [[ -f operator/dist/main.js ]] || die delivery "operator/dist/main.js is missing: run make build"
  local release=quire-delivery system=quire-delivery-system watched=quire-delivery-apps
  # cleanup_install RELEASE SYSTEM WATCHED: also run on exit, so a failed run leaves nothing behind.
  cleanup_install() {
    "$HELM" uninstall "$1" -n "$2" --wait >/dev/null 2>&1 || true
    kc delete ns "$3" "$2" --ignore-not-found --wait=false >/dev/null 2>&1 || true
  }
  cleanup_install "$release" "$system" "$watched"
  kc wait --for=delete "ns/$watched" "ns/$system" --timeout=120s >/dev/null 2>&1 || true
  kc create ns "$system" >/dev/null
  kc create ns "$watched" >/dev/null
  kc label ns "$watched" pod-security.kubernetes.io/enforce=restricted >/dev/null
  # shellcheck disable=SC2064 # the names are fixed now, on purpose
  trap "cleanup_install $release $system $watched" EXIT
  # The cluster's Platform CRD is shared with the other test suites, which apply it from the
  # operator's sources: the chart leaves it alone here (the dry run above checked the chart's copy).
  "$HELM" install "$release" charts/quire-operator -n "$system" \
    --set crds.enabled=false --set "watchNamespaces={$watched}" --wait --timeout 3m >"$OUT/install.log" 2>&1 ||
    { cat "$OUT/install.log"; fail "helm install"; }
  ok "helm install $release (namespaced mode, watching $watched): $(kc get deploy -n "$system" -o name) rolled out"
  QUIRE_DELIVERY_RELEASE=$release QUIRE_DELIVERY_RELEASE_NAMESPACE=$system \
    QUIRE_DELIVERY_WATCHED_NAMESPACE=$watched QUIRE_DELIVERY_SERVICE_ACCOUNT=$release-quire-operator \
    QUIRE_DELIVERY_READY_PLATFORM=$OUT/ready-platform.json \
    npx vitest run --project integration dev/delivery/test/rbac.int.test.ts || fail "the RBAC test"
  ok "the operator reconciled the sample to Ready with the chart's RBAC, and was refused the rest"
  "$HELM" uninstall "$release" -n "$system" --wait >/dev/null || fail "helm uninstall"
  ok "helm uninstall $release"
}

check_go() {
  step "kind config, Argo CD health check and kstatus, with the projects' own Go code (dev/tools/checks)"
  # The Ready Platform saved by the install step, when it ran.
  (cd dev/tools/checks && QUIRE_READY_PLATFORM=$OUT/ready-platform.json go test -count=1 ./...) ||
    fail "go test dev/tools/checks"
  ok "kind-config.yaml decodes strictly as kind v1alpha4; the health check and kstatus read Platforms alike"
}

check_tilt() {
  step "tilt alpha tiltfile-result evaluates the Tiltfile (tilt $("$TILT" version | cut -d, -f1))"
  load_cluster_env
  # Tilt reads the kubeconfig's context, and the Tiltfile allows only kind-quire: present the local
  # cluster under that name, in a copy of its kubeconfig.
  local kubeconfig=$OUT/tilt.kubeconfig bin=$OUT/bin
  cp "$KUBECONFIG" "$kubeconfig"
  "$QUIRE_KUBECTL" --kubeconfig "$kubeconfig" config rename-context \
    "$("$QUIRE_KUBECTL" --kubeconfig "$kubeconfig" config current-context)" kind-quire >/dev/null
  # The Tiltfile's guard wants docker on PATH; evaluating never runs it, so without Docker a stub
  # that refuses to run stands in.
  mkdir -p "$bin"; ln -sf "$HELM" "$bin/helm"
  if ! command -v docker >/dev/null; then
    printf '#!/bin/sh\necho "docker is a stub of dev/delivery/check.sh" >&2\nexit 1\n' >"$bin/docker"; chmod +x "$bin/docker"
  fi
  PATH=$bin:$PATH KUBECONFIG=$kubeconfig TILT_DISABLE_ANALYTICS=1 \
    "$TILT" alpha tiltfile-result -f Tiltfile >"$OUT/tiltfile-result.json" 2>"$OUT/tiltfile.log" ||
    { cat "$OUT/tiltfile.log"; fail "the Tiltfile does not evaluate"; }
  node dev/delivery/tiltfile-result.ts "$OUT/tiltfile-result.json" || fail "the Tiltfile's resources"
}

all=(sync lint unit render validate dry-run checkov docker web install go tilt)
for name in "${@:-${all[@]}}"; do
  case $name in
    sync) check_sync ;; lint) check_lint ;; unit) check_unit ;; render) check_render ;;
    validate) [[ -n $(ls "$OUT/rendered" 2>/dev/null) ]] || check_render; check_validate ;;
    dry-run) [[ -n $(ls "$OUT/rendered" 2>/dev/null) ]] || check_render; check_dry_run ;;
    checkov) [[ -n $(ls "$OUT/rendered" 2>/dev/null) ]] || check_render; check_checkov ;;
    docker) check_docker ;; web) check_web ;; install) check_install ;; go) check_go ;; tilt) check_tilt ;;
    *) die delivery "unknown step '$name' (steps: ${all[*]})" ;;
  esac
done
printf '\n\033[1;32mAll delivery checks passed:\033[0m %s\n' "${*:-${all[*]}}"
