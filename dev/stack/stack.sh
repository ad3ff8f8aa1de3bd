#!/usr/bin/env bash
# The local stack: real backing services and the local Kubernetes cluster, on 127.0.0.1.
#   stack.sh up       start every component (idempotent), then write $QUIRE_RUN/env
#   stack.sh down     stop every component, by recorded pid
#   stack.sh status   one line per component: health, version, port
#   stack.sh env      rewrite $QUIRE_RUN/env without starting anything
# Each component is a script with the same four verbs: up, down, status, env.
source "$(dirname "$0")/../lib/common.sh"

HERE=$QUIRE_ROOT/dev
COMPONENTS=(
  "$HERE/stack/postgres.sh"
  "$HERE/stack/redis.sh"
  "$HERE/stack/kafka.sh"
  "$HERE/stack/s3.sh"
  "$HERE/stack/opensearch.sh"
  "$HERE/cluster/cluster.sh"
)
ENV_FILE=$QUIRE_RUN/env

write_env() {
  local tmp=$ENV_FILE.tmp
  {
    echo "# Connection settings of the local stack, written by dev/stack/stack.sh; sourceable by bash."
    for c in "${COMPONENTS[@]}"; do [[ -x $c ]] && "$c" env; done
  } >"$tmp"
  mv "$tmp" "$ENV_FILE"
}

case "${1:-}" in
  up)
    mkdir -p "$QUIRE_RUN"
    start=$SECONDS
    for c in "${COMPONENTS[@]}"; do
      [[ -x $c ]] || continue
      "$c" up
    done
    write_env
    log "stack ready in $((SECONDS - start))s; settings in $ENV_FILE"
    ;;
  down)
    # Reverse order: the cluster first, the stores it may use last.
    for ((i = ${#COMPONENTS[@]} - 1; i >= 0; i--)); do
      c=${COMPONENTS[i]}
      [[ -x $c ]] && "$c" down
    done
    rm -f "$ENV_FILE"
    ;;
  env) mkdir -p "$QUIRE_RUN"; write_env ;;
  status)
    printf '%-12s %-9s %-14s %-7s %s\n' COMPONENT STATE VERSION PORT DETAIL
    rc=0
    for c in "${COMPONENTS[@]}"; do
      [[ -x $c ]] || continue
      "$c" status || rc=1
    done
    exit $rc
    ;;
  *) echo "usage: $0 up|down|status|env" >&2; exit 2 ;;
esac
