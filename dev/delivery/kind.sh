#!/usr/bin/env bash
# The kind cluster for Tilt (`make kind-up` / `make kind-down`), with a local image registry, as
# kind documents it (https://kind.sigs.k8s.io/docs/user/local-registry/):
#   up    start the registry container (localhost:5001), create the cluster of kind-config.yaml,
#         point each node's containerd at the registry, and publish the registry's address in the
#         kube-public/local-registry-hosting ConfigMap, where Tilt finds it; a second `up` is a no-op
#   down  delete the cluster and the registry container
# Needs Docker and kind (https://kind.sigs.k8s.io/docs/user/quick-start/#installation).
source "$(dirname "$0")/../lib/common.sh"

CLUSTER=quire
REGISTRY=quire-registry
REGISTRY_PORT=${QUIRE_REGISTRY_PORT:-5001}
# The registry image, pinned to a release of the CNCF Distribution registry.
REGISTRY_IMAGE=registry:2.8.3

need docker kind "install Docker: kind runs each node as a container"
need kind kind "install kind (go install sigs.k8s.io/kind@v0.30.0, or a release binary)"

up() {
  if [[ $(docker inspect -f '{{.State.Running}}' "$REGISTRY" 2>/dev/null) != true ]]; then
    log "starting the registry $REGISTRY on 127.0.0.1:$REGISTRY_PORT"
    docker run -d --restart=always -p "127.0.0.1:$REGISTRY_PORT:5000" --network bridge --name "$REGISTRY" \
      "$REGISTRY_IMAGE" >/dev/null
  fi
  if ! kind get clusters 2>/dev/null | grep -qx "$CLUSTER"; then
    log "creating the kind cluster $CLUSTER (kind-config.yaml)"
    kind create cluster --config "$QUIRE_ROOT/kind-config.yaml"
  fi
  # Inside the nodes, localhost:5001 means the registry container, reached over the kind network.
  local dir="/etc/containerd/certs.d/localhost:$REGISTRY_PORT" node
  for node in $(kind get nodes --name "$CLUSTER"); do
    docker exec "$node" mkdir -p "$dir"
    printf '[host."http://%s:5000"]\n' "$REGISTRY" | docker exec -i "$node" cp /dev/stdin "$dir/hosts.toml"
  done
  if [[ $(docker inspect -f '{{json .NetworkSettings.Networks.kind}}' "$REGISTRY") == null ]]; then
    docker network connect kind "$REGISTRY"
  fi
  # KEP-1755: tells Tilt (and other tools) where to push images for this cluster.
  kubectl --context "kind-$CLUSTER" apply -f - >/dev/null <<EOF
apiVersion: v1
kind: ConfigMap
metadata:
  name: local-registry-hosting
  namespace: kube-public
data:
  localRegistryHosting.v1: |
    host: "localhost:$REGISTRY_PORT"
    help: "https://kind.sigs.k8s.io/docs/user/local-registry/"
EOF
  log "kind cluster $CLUSTER is up (context kind-$CLUSTER), registry localhost:$REGISTRY_PORT; next: tilt up"
}

down() {
  if kind get clusters 2>/dev/null | grep -qx "$CLUSTER"; then
    kind delete cluster --name "$CLUSTER"
  fi
  if docker inspect "$REGISTRY" >/dev/null 2>&1; then
    docker rm -f "$REGISTRY" >/dev/null
    log "removed the registry $REGISTRY"
  fi
}

case ${1:-} in
  up) up ;;
  down) down ;;
  *) die kind "usage: dev/delivery/kind.sh up|down" ;;
esac
