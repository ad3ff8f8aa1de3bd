#!/usr/bin/env bash
# Builds the delivery checkers into the version-keyed cache: helm from the Go module proxy.
# Skipped when present. Prints the directory holding the binaries.
source "$(dirname "$0")/../lib/common.sh"
need go tools "install Go 1.24 or newer"

HELM_DIR=$QUIRE_CACHE/helm-v$HELM_VERSION
if [[ ! -x $HELM_DIR/bin/helm ]]; then
  mkdir -p "$HELM_DIR"
  log "building helm v$HELM_VERSION (log: $HELM_DIR/build.log)"
  GOBIN=$HELM_DIR/bin CGO_ENABLED=0 go install -trimpath \
    -ldflags "-s -w -X helm.sh/helm/v3/internal/version.version=v$HELM_VERSION" \
    "helm.sh/helm/v3/cmd/helm@v$HELM_VERSION" >"$HELM_DIR/build.log" 2>&1 ||
    die helm "go install failed" "$HELM_DIR/build.log"
fi
echo "$HELM_DIR/bin"
