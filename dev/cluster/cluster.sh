#!/usr/bin/env bash
# The local Kubernetes cluster: a real etcd, kube-apiserver, kube-controller-manager and
# kube-scheduler, with kwok simulating nine nodes in three zone-labelled pools. No Docker.
#   cluster.sh up | down | status | env
source "$(dirname "$0")/../lib/common.sh"

ETCD_PORT=$((12379 + QUIRE_PORT_OFFSET))
ETCD_PEER_PORT=$((12380 + QUIRE_PORT_OFFSET))
APISERVER_PORT=$((16443 + QUIRE_PORT_OFFSET))
KCM_PORT=$((17257 + QUIRE_PORT_OFFSET))
SCHEDULER_PORT=$((17259 + QUIRE_PORT_OFFSET))
KWOK_PORT=$((17247 + QUIRE_PORT_OFFSET))
SERVICE_CIDR=10.96.0.0/16

K8S_BIN=$QUIRE_CACHE/kubernetes-v$K8S_VERSION/bin
ETCD_BIN=$QUIRE_CACHE/etcd-v$ETCD_VERSION/bin/etcd
KWOK_DIR=$QUIRE_CACHE/kwok-v$KWOK_VERSION
DIR=$QUIRE_RUN/cluster
PKI=$DIR/pki
KUBECONFIG_FILE=$DIR/kubeconfig
KUBECTL=$K8S_BIN/kubectl
# The control-plane processes, in start order; each is a component under $QUIRE_RUN.
PARTS=(etcd kube-apiserver kube-controller-manager kube-scheduler kwok)

kc() { "$KUBECTL" --kubeconfig "$KUBECONFIG_FILE" "$@"; }

# --- PKI ---------------------------------------------------------------------------------------
# A throwaway CA for this cluster: the API server's serving certificate, client certificates for
# the admin and each control-plane component, and the service-account signing key.
make_pki() {
  [[ -f $PKI/ca.crt ]] && return 0
  need openssl cluster "install it with: apt-get install -y openssl"
  mkdir -p "$PKI"
  local logf=$DIR/pki.log
  {
    openssl ecparam -name prime256v1 -genkey -noout -out "$PKI/ca.key"
    openssl req -x509 -new -key "$PKI/ca.key" -subj "/CN=quire-local-cluster-ca" -days 3650 -out "$PKI/ca.crt"
    openssl genrsa -out "$PKI/sa.key" 2048
    openssl rsa -in "$PKI/sa.key" -pubout -out "$PKI/sa.pub"
    issue apiserver "/CN=kube-apiserver" \
      "subjectAltName=IP:127.0.0.1,IP:10.96.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local" serverAuth
    issue admin "/O=system:masters/CN=quire-admin" "" clientAuth
    issue kube-controller-manager "/CN=system:kube-controller-manager" "" clientAuth
    issue kube-scheduler "/CN=system:kube-scheduler" "" clientAuth
    # kwok plays every kubelet; it needs to write node and pod status cluster-wide.
    issue kwok "/O=system:masters/CN=kwok" "" clientAuth
  } >>"$logf" 2>&1 || die cluster "could not create the cluster's certificates" "$logf"
}

issue() { # issue NAME SUBJECT SAN USAGE
  local name=$1 subject=$2 san=$3 usage=$4 ext
  ext=$(mktemp)
  { echo "extendedKeyUsage=$usage"; echo "keyUsage=critical,digitalSignature,keyEncipherment"; [[ -n $san ]] && echo "$san"; } >"$ext"
  openssl ecparam -name prime256v1 -genkey -noout -out "$PKI/$name.key"
  openssl req -new -key "$PKI/$name.key" -subj "$subject" -out "$PKI/$name.csr"
  openssl x509 -req -in "$PKI/$name.csr" -CA "$PKI/ca.crt" -CAkey "$PKI/ca.key" -CAcreateserial \
    -days 3650 -extfile "$ext" -out "$PKI/$name.crt"
  rm -f "$ext" "$PKI/$name.csr"
}

write_kubeconfig() { # write_kubeconfig FILE IDENTITY
  local file=$1 who=$2
  cat >"$file" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: quire-local
  cluster:
    server: https://127.0.0.1:$APISERVER_PORT
    certificate-authority: $PKI/ca.crt
users:
- name: $who
  user:
    client-certificate: $PKI/$who.crt
    client-key: $PKI/$who.key
contexts:
- name: quire-local
  context: { cluster: quire-local, user: $who }
current-context: quire-local
EOF
}

# --- start -------------------------------------------------------------------------------------
https_ok() { curl -sf --cacert "$PKI/ca.crt" --cert "$PKI/admin.crt" --key "$PKI/admin.key" "$1" >/dev/null; }
insecure_ok() { curl -skf "$1" >/dev/null; }

start_etcd() {
  is_running etcd && return 0
  port_free etcd $ETCD_PORT
  port_free etcd $ETCD_PEER_PORT
  # No fsync: this is a throwaway test cluster and fsync dominates etcd latency on shared disks.
  start_process etcd "$ETCD_BIN" --name quire-local --data-dir "$DIR/etcd-data" \
    --listen-client-urls "http://127.0.0.1:$ETCD_PORT" --advertise-client-urls "http://127.0.0.1:$ETCD_PORT" \
    --listen-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" --initial-advertise-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" \
    --initial-cluster "quire-local=http://127.0.0.1:$ETCD_PEER_PORT" \
    --unsafe-no-fsync --quota-backend-bytes 4294967296 --log-level warn
  wait_ready etcd 30 curl -sf "http://127.0.0.1:$ETCD_PORT/health"
}

start_apiserver() {
  is_running kube-apiserver && return 0
  port_free kube-apiserver $APISERVER_PORT
  # Admission as a real cluster has it: the default plugin set (which includes PodSecurity,
  # ServiceAccount, ResourceQuota, LimitRanger and the webhook/policy plugins) plus NodeRestriction.
  start_process kube-apiserver "$K8S_BIN/kube-apiserver" \
    --etcd-servers "http://127.0.0.1:$ETCD_PORT" \
    --bind-address 127.0.0.1 --advertise-address 127.0.0.1 --secure-port $APISERVER_PORT \
    --tls-cert-file "$PKI/apiserver.crt" --tls-private-key-file "$PKI/apiserver.key" \
    --client-ca-file "$PKI/ca.crt" \
    --service-account-issuer https://kubernetes.default.svc.cluster.local \
    --service-account-key-file "$PKI/sa.pub" --service-account-signing-key-file "$PKI/sa.key" \
    --service-cluster-ip-range $SERVICE_CIDR \
    --authorization-mode Node,RBAC \
    --enable-admission-plugins NodeRestriction \
    --allow-privileged=true \
    --profiling=false \
    --enable-priority-and-fairness=true \
    --v 1
  wait_ready kube-apiserver 90 https_ok "https://127.0.0.1:$APISERVER_PORT/readyz"
}

start_controller_manager() {
  is_running kube-controller-manager && return 0
  port_free kube-controller-manager $KCM_PORT
  write_kubeconfig "$DIR/kube-controller-manager.kubeconfig" kube-controller-manager
  local k=$DIR/kube-controller-manager.kubeconfig
  start_process kube-controller-manager "$K8S_BIN/kube-controller-manager" \
    --kubeconfig "$k" --authentication-kubeconfig "$k" --authorization-kubeconfig "$k" \
    --bind-address 127.0.0.1 --secure-port $KCM_PORT \
    --service-account-private-key-file "$PKI/sa.key" --root-ca-file "$PKI/ca.crt" \
    --use-service-account-credentials=true \
    --cluster-signing-cert-file "$PKI/ca.crt" --cluster-signing-key-file "$PKI/ca.key" \
    --service-cluster-ip-range $SERVICE_CIDR \
    --leader-elect=false --v 1
  wait_ready kube-controller-manager 60 insecure_ok "https://127.0.0.1:$KCM_PORT/healthz"
}

start_scheduler() {
  is_running kube-scheduler && return 0
  port_free kube-scheduler $SCHEDULER_PORT
  write_kubeconfig "$DIR/kube-scheduler.kubeconfig" kube-scheduler
  local k=$DIR/kube-scheduler.kubeconfig
  start_process kube-scheduler "$K8S_BIN/kube-scheduler" \
    --kubeconfig "$k" --authentication-kubeconfig "$k" --authorization-kubeconfig "$k" \
    --bind-address 127.0.0.1 --secure-port $SCHEDULER_PORT --leader-elect=false --v 1
  wait_ready kube-scheduler 60 insecure_ok "https://127.0.0.1:$SCHEDULER_PORT/healthz"
}

start_kwok() {
  is_running kwok && return 0
  port_free kwok $KWOK_PORT
  write_kubeconfig "$DIR/kwok.kubeconfig" kwok
  # Only nodes annotated as fake are kwok's, so a real node joined by hand is never touched.
  start_process kwok "$KWOK_DIR/bin/kwok" --kubeconfig "$DIR/kwok.kubeconfig" \
    --config "$KWOK_DIR/stages.yaml" \
    --manage-all-nodes=false --manage-nodes-with-annotation-selector kwok.x-k8s.io/node=fake \
    --node-lease-duration-seconds 40 --cidr 10.244.0.0/16 --node-ip 127.0.0.1 \
    --server-address "127.0.0.1:$KWOK_PORT"
  wait_ready kwok 30 curl -sf "http://127.0.0.1:$KWOK_PORT/healthz"
}

# Nine nodes, three per zone, with the capacity of a common 8 vCPU / 32 GiB machine.
apply_nodes() {
  local zone i
  for zone in zone-a zone-b zone-c; do
    for i in 1 2 3; do
      cat <<EOF
---
apiVersion: v1
kind: Node
metadata:
  name: quire-$zone-$i
  annotations:
    kwok.x-k8s.io/node: fake
    node.alpha.kubernetes.io/ttl: "0"
  labels:
    kubernetes.io/hostname: quire-$zone-$i
    kubernetes.io/os: linux
    kubernetes.io/arch: amd64
    node.kubernetes.io/instance-type: quire-local.8x32
    topology.kubernetes.io/region: quire-local
    topology.kubernetes.io/zone: $zone
    platform.quire.dev/pool: $zone
    type: kwok
status:
  allocatable: { cpu: "8", memory: 32Gi, pods: "110", ephemeral-storage: 100Gi }
  capacity: { cpu: "8", memory: 32Gi, pods: "110", ephemeral-storage: 100Gi }
  nodeInfo:
    architecture: amd64
    operatingSystem: linux
    kubeletVersion: v$K8S_VERSION
EOF
    done
  done | kc apply --server-side --field-manager quire-dev-cluster -f - >>"$DIR/nodes.log" 2>&1 ||
    die cluster "could not create the kwok nodes" "$DIR/nodes.log"
  local deadline=$((SECONDS + 60))
  until [[ $(kc get nodes -l type=kwok -o jsonpath='{range .items[*]}{.status.conditions[?(@.type=="Ready")].status}{"\n"}{end}' 2>/dev/null | grep -c True) -ge 9 ]]; do
    ((SECONDS < deadline)) || die kwok "the nine nodes did not become Ready within 60s" "$(log_file kwok)"
    sleep 0.5
  done
  # Pods cannot be created in a namespace before its default ServiceAccount exists.
  deadline=$((SECONDS + 60))
  until kc get serviceaccount default -n default >/dev/null 2>&1; do
    ((SECONDS < deadline)) || die kube-controller-manager "the default ServiceAccount was not created within 60s" "$(log_file kube-controller-manager)"
    sleep 0.5
  done
}

healthy() {
  local p
  for p in "${PARTS[@]}"; do is_running "$p" || return 1; done
  [[ -f $KUBECONFIG_FILE ]] && https_ok "https://127.0.0.1:$APISERVER_PORT/readyz"
}

cmd_up() {
  if healthy; then
    log "cluster already running (kubeconfig: $KUBECONFIG_FILE)"
    return 0
  fi
  "$QUIRE_ROOT/dev/cluster/build.sh" all
  need curl cluster "install it with: apt-get install -y curl"
  local start=$SECONDS
  mkdir -p "$DIR"
  make_pki
  write_kubeconfig "$KUBECONFIG_FILE" admin
  start_etcd
  start_apiserver
  start_controller_manager
  start_scheduler
  start_kwok
  apply_nodes
  log "cluster v$K8S_VERSION ready in $((SECONDS - start))s: 9 nodes in zone-a, zone-b, zone-c (kubeconfig: $KUBECONFIG_FILE)"
}

cmd_down() {
  local i
  for ((i = ${#PARTS[@]} - 1; i >= 0; i--)); do stop_process "${PARTS[i]}"; done
  for p in "${PARTS[@]}"; do rm -rf "${QUIRE_RUN:?}/$p"; done
  rm -rf "$DIR"
}

cmd_status() {
  local state=healthy detail="9 kwok nodes in 3 zones" version=v$K8S_VERSION p
  for p in "${PARTS[@]}"; do
    if ! is_running "$p"; then state=stopped; detail="$p is not running"; break; fi
  done
  if [[ $state == healthy ]]; then
    if ! https_ok "https://127.0.0.1:$APISERVER_PORT/readyz"; then
      state=unhealthy; detail="kube-apiserver /readyz fails (log: $(log_file kube-apiserver))"
    else
      version=$(kc version -o json 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)["serverVersion"]["gitVersion"])' || echo "?")
      local ready
      ready=$(kc get nodes -l type=kwok -o jsonpath='{range .items[*]}{.status.conditions[?(@.type=="Ready")].status}{"\n"}{end}' | grep -c True || true)
      [[ $ready -ge 9 ]] || { state=unhealthy; detail="$ready/9 nodes Ready (log: $(log_file kwok))"; }
    fi
  fi
  printf '%-12s %-9s %-14s %-7s %s\n' kubernetes "$state" "$version" "$APISERVER_PORT" "$detail"
  [[ $state == healthy ]]
}

cmd_env() {
  echo "KUBECONFIG=$KUBECONFIG_FILE"
  echo "QUIRE_KUBECTL=$KUBECTL"
  echo "QUIRE_ETCD_URL=http://127.0.0.1:$ETCD_PORT"
}

case "${1:-}" in
  up) cmd_up ;;
  down) cmd_down ;;
  status) cmd_status ;;
  env) cmd_env ;;
  *) echo "usage: $0 up|down|status|env" >&2; exit 2 ;;
esac
