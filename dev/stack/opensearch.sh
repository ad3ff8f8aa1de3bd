#!/usr/bin/env bash
# OpenSearch for the local stack: one node, security off, run from the jars that Maven resolves
# for dev/stack/opensearch/pom.xml through the small launcher QuireOpenSearch.java (no
# distribution archive is reachable from here, and Elasticsearch's modules are not on Maven
# Central, so OpenSearch is the real search engine we can run).
#   opensearch.sh up|down|status|env
# shellcheck source=../lib/common.sh
source "$(dirname "$0")/../lib/common.sh"

NAME=opensearch
PORT=$((19200 + QUIRE_PORT_OFFSET))
TRANSPORT_PORT=$((19300 + QUIRE_PORT_OFFSET))
HEAP_MIN=512m
HEAP_MAX=1g
START_TIMEOUT=180
MVN_PLUGIN=org.apache.maven.plugins:maven-dependency-plugin:3.8.1

SRC_DIR=$QUIRE_ROOT/dev/stack/opensearch
POM=$SRC_DIR/pom.xml
LAUNCHER=$SRC_DIR/QuireOpenSearch.java
# The pom is the one place the version is written. The classpath is keyed by the pom's content
# and the compiled launcher by its source, so an edit to either is picked up by the next `up`.
VERSION=$(sed -n 's:.*<opensearch.version>\(.*\)</opensearch.version>.*:\1:p' "$POM")
CACHE=$QUIRE_CACHE/opensearch-$VERSION
CLASSPATH_FILE=$CACHE/classpath-$(sha256sum "$POM" | cut -c1-12)
CLASSES=$CACHE/launcher-$(cat "$POM" "$LAUNCHER" | sha256sum | cut -c1-12)

DIR=$(state_dir "$NAME")
LOG=$(log_file "$NAME")
BUILD_LOG=$DIR/build.log
URL=http://127.0.0.1:$PORT

# Ready means the REST layer answers and the cluster has elected itself and allocated its
# primaries: health yellow (replicas cannot be placed on a single node) or green.
healthy() {
  curl -sf --max-time 5 -o /dev/null "$URL/" &&
    curl -sf --max-time 5 "$URL/_cluster/health" | grep -Eq '"status":"(yellow|green)"'
}

# The running node's version, from GET / (e.g. 2.19.6).
server_version() {
  curl -sf --max-time 5 "$URL/" | sed -n 's/.*"number" *: *"\([^"]*\)".*/\1/p'
}

# The classpath file, resolved once per pom; all its jars must still be in ~/.m2.
resolve_classpath() {
  if [[ -s $CLASSPATH_FILE ]]; then
    local jar missing=0
    while IFS= read -r jar; do [[ -f $jar ]] || { missing=1; break; }; done < <(tr ':' '\n' <"$CLASSPATH_FILE")
    ((missing == 0)) && return 0
  fi
  need mvn "$NAME" "install Maven (apt-get install -y maven)"
  log "resolving OpenSearch $VERSION from Maven Central (once; cached in $CACHE)"
  mkdir -p "$CACHE" "$DIR"
  mvn -B -Dstyle.color=never -f "$POM" "$MVN_PLUGIN:build-classpath" -Dmdep.includeScope=runtime \
    -Dmdep.outputFile="$CLASSPATH_FILE.tmp" >"$BUILD_LOG" 2>&1 ||
    die "$NAME" "resolving OpenSearch $VERSION from Maven Central failed" "$BUILD_LOG"
  mv "$CLASSPATH_FILE.tmp" "$CLASSPATH_FILE"
}

compile_launcher() {
  [[ -f $CLASSES/QuireOpenSearch.class ]] && return 0
  need javac "$NAME" "install a Java 17 JDK (apt-get install -y openjdk-17-jdk-headless)"
  log "compiling the OpenSearch launcher"
  rm -rf "$CLASSES.tmp"
  mkdir -p "$CLASSES.tmp"
  javac --release 17 -d "$CLASSES.tmp" -cp "$(cat "$CLASSPATH_FILE")" "$LAUNCHER" >>"$BUILD_LOG" 2>&1 ||
    die "$NAME" "compiling $LAUNCHER failed" "$BUILD_LOG"
  mv "$CLASSES.tmp" "$CLASSES"
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
  port_free "$NAME" "$TRANSPORT_PORT"
  need java "$NAME" "install a Java 17 runtime (apt-get install -y openjdk-17-jdk-headless)"
  need curl "$NAME" "install curl (apt-get install -y curl); the readiness probe uses it"
  mkdir -p "$DIR/home" "$DIR/data" "$DIR/logs"
  resolve_classpath
  compile_launcher
  # Log4j's default console configuration at INFO is enough here (start_process sends it to
  # $LOG), and its own shutdown hook is off so that the node's closing messages are not lost.
  # The disk threshold is off because a developer's nearly full disk would otherwise turn
  # indices read-only, an obscure failure for a throwaway node.
  start_process "$NAME" java "-Xms$HEAP_MIN" "-Xmx$HEAP_MAX" -XX:+UseG1GC -Djava.awt.headless=true \
    -Dorg.apache.logging.log4j.level=INFO -Dlog4j.shutdownHookEnabled=false \
    -Dopensearch.set.netty.runtime.available.processors=false \
    -cp "$CLASSES:$(cat "$CLASSPATH_FILE")" QuireOpenSearch \
    "path.home=$DIR/home" "path.data=$DIR/data" "path.logs=$DIR/logs" \
    network.host=127.0.0.1 "http.port=$PORT" "transport.port=$TRANSPORT_PORT" \
    cluster.name=quire-dev node.name=quire-dev \
    cluster.routing.allocation.disk.threshold_enabled=false
  wait_ready "$NAME" "$START_TIMEOUT" healthy
  log "$NAME $(server_version) ready on 127.0.0.1:$PORT in $((SECONDS - start))s"
}

verb_down() {
  stop_process "$NAME" 30
}

verb_status() {
  if is_running "$NAME" && healthy; then
    local health
    health=$(curl -sf --max-time 5 "$URL/_cluster/health" | sed -n 's/.*"status":"\([a-z]*\)".*/\1/p')
    printf '%-12s %-9s %-14s %-7s %s\n' "$NAME" healthy "$(server_version)" "$PORT" "pid $(cat "$(pid_file "$NAME")"), cluster $health"
  elif is_running "$NAME"; then
    printf '%-12s %-9s %-14s %-7s %s\n' "$NAME" unhealthy "$VERSION" "$PORT" "not answering; read $LOG"
    return 1
  else
    printf '%-12s %-9s %-14s %-7s %s\n' "$NAME" stopped "$VERSION" "$PORT" "-"
    return 1
  fi
}

verb_env() {
  echo "QUIRE_SEARCH_URL=$URL"
  echo "QUIRE_SEARCH_KIND=opensearch"
}

case "${1:-}" in
  up | down | status | env) "verb_$1" ;;
  *) echo "usage: $0 up|down|status|env" >&2; exit 2 ;;
esac
