#!/usr/bin/env bash
# S3 for the local stack: Versity's S3 gateway (versitygw) over a plain folder under
# $QUIRE_RUN/s3/. It is a real S3 implementation that verifies SigV4 signatures, so a client
# with a wrong key fails here as it would against AWS. Built once from the Go module proxy.
#   s3.sh up|down|status|env
# shellcheck source=../lib/common.sh
source "$(dirname "$0")/../lib/common.sh"

NAME=s3
PORT=$((19000 + QUIRE_PORT_OFFSET))
REGION=us-east-1
ACCESS_KEY_ID=quire-dev
SECRET_ACCESS_KEY=quire-dev-secret-key
VERSITYGW_MODULE=github.com/versity/versitygw
# Apache-2.0; its go.mod has no replace directives, so `go install` builds it as published.
# dev/versions.env may pin it (without the v) beside the other versions.
VERSITYGW_VERSION=v${VERSITYGW_VERSION:-1.8.0}
START_TIMEOUT=30

CACHE=$QUIRE_CACHE/versitygw-$VERSITYGW_VERSION
BIN=$CACHE/bin/versitygw

DIR=$(state_dir "$NAME")
LOG=$(log_file "$NAME")
BUILD_LOG=$DIR/build.log

# A signed ListBuckets with the stack's key: it answers 200 only when the gateway is up and
# accepts that key. curl signs SigV4 itself, but S3 also wants the payload's hash in a header
# (here the SHA-256 of the empty body), which curl 7.x does not add on its own.
EMPTY_SHA256=e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
healthy() {
  curl -sf -o /dev/null --max-time 5 --aws-sigv4 "aws:amz:$REGION:s3" \
    --user "$ACCESS_KEY_ID:$SECRET_ACCESS_KEY" -H "x-amz-content-sha256: $EMPTY_SHA256" "http://127.0.0.1:$PORT/"
}

# The binary's version (the gateway does not report it over HTTP); the build stamps it.
binary_version() {
  [[ -x $BIN ]] || { echo "$VERSITYGW_VERSION"; return; }
  "$BIN" --version 2>/dev/null | sed -n 's/^Version *: *//p'
}

build() {
  [[ -x $BIN ]] && return 0
  need go "$NAME" "install Go (1.25 or newer) to build versitygw"
  log "building versitygw $VERSITYGW_VERSION from the Go module proxy (once; cached in $CACHE)"
  mkdir -p "$DIR" "$CACHE"
  rm -rf "$CACHE/bin.tmp"
  # Static, stripped, and stamped with the version the upstream Makefile would set.
  (cd "$CACHE" && GOBIN=$CACHE/bin.tmp CGO_ENABLED=0 go install -trimpath \
    -ldflags "-s -w -X=main.Version=$VERSITYGW_VERSION -X=main.Build=proxy -X=main.BuildTime=none" \
    "$VERSITYGW_MODULE/cmd/versitygw@$VERSITYGW_VERSION") >"$BUILD_LOG" 2>&1 ||
    die "$NAME" "building versitygw $VERSITYGW_VERSION failed" "$BUILD_LOG"
  rm -rf "${CACHE:?}/bin"
  mv "$CACHE/bin.tmp" "$CACHE/bin"
}

verb_up() {
  local start=$SECONDS
  if is_running "$NAME"; then
    # Running already: a second `up` only confirms it answers (it may still be starting).
    wait_ready "$NAME" "$START_TIMEOUT" healthy
    log "$NAME already running on 127.0.0.1:$PORT"
    return 0
  fi
  rm -f "$(pid_file "$NAME")"
  port_free "$NAME" "$PORT"
  need curl "$NAME" "install curl (apt-get install -y curl); the readiness probe uses it"
  build
  # Buckets are the folders of data/; object metadata lives in extended attributes, which the
  # usual Linux filesystems (ext4, xfs, btrfs, tmpfs) support.
  mkdir -p "$DIR/data"
  # The root credentials go through the environment rather than argv, out of `ps`.
  ROOT_ACCESS_KEY_ID=$ACCESS_KEY_ID ROOT_SECRET_ACCESS_KEY=$SECRET_ACCESS_KEY VGW_REGION=$REGION \
    start_process "$NAME" "$BIN" --port "127.0.0.1:$PORT" --quiet posix "$DIR/data"
  wait_ready "$NAME" "$START_TIMEOUT" healthy
  log "$NAME (versitygw $(binary_version)) ready on 127.0.0.1:$PORT in $((SECONDS - start))s"
}

verb_down() {
  stop_process "$NAME"
}

verb_status() {
  if is_running "$NAME" && healthy; then
    printf '%-12s %-9s %-14s %-7s %s\n' "$NAME" healthy "$(binary_version)" "$PORT" "pid $(cat "$(pid_file "$NAME")"), versitygw posix"
  elif is_running "$NAME"; then
    printf '%-12s %-9s %-14s %-7s %s\n' "$NAME" unhealthy "$VERSITYGW_VERSION" "$PORT" "not answering; read $LOG"
    return 1
  else
    printf '%-12s %-9s %-14s %-7s %s\n' "$NAME" stopped "$VERSITYGW_VERSION" "$PORT" "-"
    return 1
  fi
}

verb_env() {
  echo "QUIRE_S3_ENDPOINT=http://127.0.0.1:$PORT"
  echo "QUIRE_S3_REGION=$REGION"
  echo "QUIRE_S3_ACCESS_KEY_ID=$ACCESS_KEY_ID"
  echo "QUIRE_S3_SECRET_ACCESS_KEY=$SECRET_ACCESS_KEY"
}

case "${1:-}" in
  up | down | status | env) "verb_$1" ;;
  *) echo "usage: $0 up|down|status|env" >&2; exit 2 ;;
esac
