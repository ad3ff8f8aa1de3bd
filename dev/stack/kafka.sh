#!/usr/bin/env bash
# Apache Kafka for the local stack: one broker+controller in KRaft mode, run from the jars that
# Maven resolves for dev/stack/kafka/pom.xml (no distribution archive is reachable from here).
# Beside the PLAINTEXT listener everything uses, it has the two a managed Kafka offers: SSL, and
# SASL_SSL with SCRAM-SHA-512 and PLAIN for one user, both with a certificate for `localhost` from
# the stack's CA.
#   kafka.sh up|down|status|env
# shellcheck source=../lib/common.sh
source "$(dirname "$0")/../lib/common.sh"

NAME=kafka
PORT=$((19092 + QUIRE_PORT_OFFSET))
CONTROLLER_PORT=$((19093 + QUIRE_PORT_OFFSET))
SSL_PORT=$((19094 + QUIRE_PORT_OFFSET))
SASL_SSL_PORT=$((19095 + QUIRE_PORT_OFFSET))
# The one SASL user, known to both mechanisms with the same password (a local stack's, not a secret).
SASL_USER=quire
SASL_PASSWORD=quire-kafka-dev
NODE_ID=1
HEAP=512m
START_TIMEOUT=120
MVN_PLUGIN=org.apache.maven.plugins:maven-dependency-plugin:3.8.1

POM=$QUIRE_ROOT/dev/stack/kafka/pom.xml
# The pom is the one place the version is written; the cache is keyed by it and by the pom's
# content, so a changed dependency list resolves again instead of reusing a stale classpath.
VERSION=$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$POM")
CACHE=$QUIRE_CACHE/kafka-$VERSION
CLASSPATH_FILE=$CACHE/classpath-$(sha256sum "$POM" | cut -c1-12)

DIR=$(state_dir "$NAME")
DATA=$DIR/data
LOG=$(log_file "$NAME")
BUILD_LOG=$DIR/build.log
TLS=$DIR/tls
# Kafka reads a PEM keystore from one file holding the private key (PKCS#8, which openssl writes)
# and the certificate chain.
KEYSTORE=$TLS/keystore.pem
# Written once the SCRAM user exists in the metadata log (at format, or added to older data).
SCRAM_MARK=$DIR/scram-user

# Ready means two real requests succeed. Metadata (v4, which Kafka 3.x and 4.x both serve) must
# list a broker: the port opens before the broker has joined the KRaft quorum. FindCoordinator
# must name a group coordinator: the first one creates __consumer_offsets, so doing it here spares
# the first consumer group of every test run a "coordinator not available" crash and restart.
# Python from Debian keeps the probe free of the JVM's start-up time and of node_modules.
#   probe PORT [CA_FILE [USER PASSWORD]]: with a CA file the probe speaks TLS and checks the
#   certificate for localhost; with a user it first logs in with SASL PLAIN.
probe() {
  timeout 10 python3 - "$@" <<'EOF'
import socket, ssl, struct, sys

port = int(sys.argv[1])
ca = sys.argv[2] if len(sys.argv) > 2 else None
user, password = (sys.argv[3], sys.argv[4]) if len(sys.argv) > 4 else (None, None)
client = b"quire-stack-probe"

def read(sock, n):
    buf = b""
    while len(buf) < n:
        chunk = sock.recv(n - len(buf))
        if not chunk:
            sys.exit(1)
        buf += chunk
    return buf

def request(sock, api_key, version, correlation, body):
    # Request header v1: api key, api version, correlation id, client id; then the body.
    header = struct.pack(">hhih", api_key, version, correlation, len(client)) + client
    sock.sendall(struct.pack(">i", len(header) + len(body)) + header + body)
    size = struct.unpack(">i", read(sock, 4))[0]
    response = read(sock, size)
    if struct.unpack(">i", response[:4])[0] != correlation:
        sys.exit(1)
    return response[4:]

def string(b):
    return struct.pack(">h", len(b)) + b

sock = socket.create_connection(("127.0.0.1", port), timeout=5)
if ca:
    sock = ssl.create_default_context(cafile=ca).wrap_socket(sock, server_hostname="localhost")
if user:
    # SaslHandshake v1 for PLAIN, then SaslAuthenticate v0 with "\0user\0password".
    if struct.unpack(">h", request(sock, 17, 1, 3, string(b"PLAIN"))[:2])[0] != 0:
        sys.exit(1)
    token = b"\0" + user.encode() + b"\0" + password.encode()
    if struct.unpack(">h", request(sock, 36, 0, 4, struct.pack(">i", len(token)) + token)[:2])[0] != 0:
        sys.exit(1)
with sock:
    # Metadata v4: all topics, no auto-creation. Response: throttle time, then the broker count.
    _throttle, brokers = struct.unpack(">ii", request(sock, 3, 4, 1, struct.pack(">ib", -1, 0))[:8])
    if brokers < 1:
        sys.exit(1)
    # FindCoordinator v1 for a group (key type 0). Response: throttle time, then the error code.
    body = struct.pack(">h", len(client)) + client + struct.pack(">b", 0)
    _throttle, error = struct.unpack(">ih", request(sock, 10, 1, 2, body)[:6])
    sys.exit(0 if error == 0 else 1)
EOF
}

healthy() { probe "$PORT"; }
ssl_healthy() { probe "$SSL_PORT" "$(stack_ca_dir)/ca.crt"; }
sasl_ssl_healthy() { probe "$SASL_SSL_PORT" "$(stack_ca_dir)/ca.crt" "$SASL_USER" "$SASL_PASSWORD"; }

# The running broker's version, as it logged it at start ("Kafka version: 3.9.1").
server_version() {
  local v
  v=$(grep -a -o 'Kafka version: [^ ]*' "$LOG" 2>/dev/null | tail -1 | awk '{print $3}')
  echo "${v:-$VERSION}"
}

# The classpath file, resolved once per version and pom; all its jars must still be in ~/.m2.
resolve_classpath() {
  if [[ -s $CLASSPATH_FILE ]]; then
    local jar missing=0
    while IFS= read -r jar; do [[ -f $jar ]] || { missing=1; break; }; done < <(tr ':' '\n' <"$CLASSPATH_FILE")
    ((missing == 0)) && return 0
  fi
  need mvn "$NAME" "install Maven (apt-get install -y maven)"
  need java "$NAME" "install a Java 17 runtime (apt-get install -y openjdk-17-jdk-headless)"
  log "resolving Kafka $VERSION from Maven Central (once; cached in $CACHE)"
  mkdir -p "$CACHE" "$DIR"
  mvn -B -Dstyle.color=never -f "$POM" "$MVN_PLUGIN:build-classpath" -Dmdep.includeScope=runtime \
    -Dmdep.outputFile="$CLASSPATH_FILE.tmp" >"$BUILD_LOG" 2>&1 ||
    die "$NAME" "resolving Kafka $VERSION from Maven Central failed" "$BUILD_LOG"
  mv "$CLASSPATH_FILE.tmp" "$CLASSPATH_FILE"
}

# The broker's configuration, written on every start so that a change here takes effect on the
# next `up`. A single node is both broker and controller; every internal topic must use
# replication factor 1, or consumer groups and transactions wait forever for replicas that do not exist.
server_properties() {
  cat <<EOF
# Generated by dev/stack/kafka.sh; edits are overwritten on the next up.
process.roles=broker,controller
node.id=$NODE_ID
controller.quorum.voters=$NODE_ID@127.0.0.1:$CONTROLLER_PORT
# Each listener advertises its own port. SSL and SASL_SSL advertise localhost, the one name their
# certificate holds, so that a client that checks host names reaches them after bootstrap too. The
# controller and the broker talk PLAINTEXT to each other: the TLS listeners are for clients only.
listeners=PLAINTEXT://127.0.0.1:$PORT,CONTROLLER://127.0.0.1:$CONTROLLER_PORT,SSL://127.0.0.1:$SSL_PORT,SASL_SSL://127.0.0.1:$SASL_SSL_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$PORT,SSL://localhost:$SSL_PORT,SASL_SSL://localhost:$SASL_SSL_PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT,SSL:SSL,SASL_SSL:SASL_SSL
# The server certificate for SSL and SASL_SSL, as one PEM file; clients are not asked for theirs.
ssl.keystore.type=PEM
ssl.keystore.location=$KEYSTORE
ssl.client.auth=none
# SASL_SSL: SCRAM-SHA-512, whose user is stored in the metadata log (format --add-scram), and PLAIN,
# whose user is listed here. The PLAINTEXT listener stays open to anyone, as before.
sasl.enabled.mechanisms=SCRAM-SHA-512,PLAIN
listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
listener.name.sasl_ssl.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required user_$SASL_USER="$SASL_PASSWORD";
log.dirs=$DATA
num.partitions=1
default.replication.factor=1
offsets.topic.replication.factor=1
offsets.topic.num.partitions=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=1
# Consumers in tests join alone: do not hold the first rebalance back.
group.initial.rebalance.delay.ms=0
# Off, as on a cluster the operator runs: topics are created on purpose (by the operator, or by a
# test before it produces or consumes), never by a client that asks for a topic another test deleted.
auto.create.topics.enable=false
EOF
}

write_config() {
  server_properties >"$DIR/server.properties"
  # Console only: start_process sends standard output to $LOG.
  cat >"$DIR/log4j.properties" <<'EOF'
log4j.rootLogger=INFO, stdout
log4j.appender.stdout=org.apache.log4j.ConsoleAppender
log4j.appender.stdout.layout=org.apache.log4j.PatternLayout
log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.org.apache.kafka.clients=WARN
log4j.logger.kafka.request.logger=WARN
log4j.logger.state.change.logger=WARN
EOF
}

JAVA_OPTS=(-Xms256m "-Xmx$HEAP" -XX:+UseG1GC -Djava.awt.headless=true
  "-Dlog4j.configuration=file:$DIR/log4j.properties" "-Dkafka.logs.dir=$DIR")

# Formats the KRaft metadata log once; the cluster id is kept beside the data so a restart reuses it.
format_storage() {
  [[ -f $DATA/meta.properties ]] && return 0
  local cp id_file=$DIR/cluster-id
  cp=$(cat "$CLASSPATH_FILE")
  if [[ ! -s $id_file ]]; then
    local id
    id=$(java "${JAVA_OPTS[@]}" -cp "$cp" kafka.tools.StorageTool random-uuid 2>>"$LOG" | tail -1) || true
    # A cluster id is 16 random bytes in URL-safe base64: 22 characters.
    [[ $id =~ ^[A-Za-z0-9_-]{22}$ ]] || die "$NAME" "kafka.tools.StorageTool random-uuid failed" "$LOG"
    echo "$id" >"$id_file"
  fi
  java "${JAVA_OPTS[@]}" -cp "$cp" kafka.tools.StorageTool format -t "$(cat "$id_file")" \
    -c "$DIR/server.properties" --ignore-formatted \
    --add-scram "SCRAM-SHA-512=[name=$SASL_USER,password=$SASL_PASSWORD]" >>"$LOG" 2>&1 ||
    die "$NAME" "formatting the KRaft storage in $DATA failed" "$LOG"
  echo "$SASL_USER" >"$SCRAM_MARK"
}

# Data formatted before the SCRAM user was added at format time lacks it: add it through the
# running broker once (a JVM start, about two seconds), so an existing stack keeps its topics.
ensure_scram_user() {
  [[ -f $SCRAM_MARK ]] && return 0
  log "adding the SCRAM-SHA-512 user $SASL_USER to Kafka's existing data"
  java "${JAVA_OPTS[@]}" -cp "$(cat "$CLASSPATH_FILE")" kafka.admin.ConfigCommand \
    --bootstrap-server "127.0.0.1:$PORT" --alter --entity-type users --entity-name "$SASL_USER" \
    --add-config "SCRAM-SHA-512=[password=$SASL_PASSWORD]" >>"$LOG" 2>&1 ||
    die "$NAME" "adding the SCRAM user $SASL_USER failed" "$LOG"
  echo "$SASL_USER" >"$SCRAM_MARK"
}

# The keystore for the TLS listeners: the server key and certificate for localhost, from the stack's CA.
ensure_keystore() {
  ensure_server_cert "$TLS"
  if [[ ! -s $KEYSTORE || $TLS/server.crt -nt $KEYSTORE || $TLS/server.key -nt $KEYSTORE ]]; then
    (umask 077 && cat "$TLS/server.key" "$TLS/server.crt" >"$KEYSTORE")
  fi
}

verb_up() {
  local start=$SECONDS
  if is_running "$NAME"; then
    # Running already: a second `up` only confirms it answers (it may still be starting).
    wait_ready "$NAME" "$START_TIMEOUT" healthy
    log "$NAME already running on 127.0.0.1:$PORT"
    # A broker started before this script changed keeps its old settings until it restarts.
    if ! server_properties | cmp -s - "$DIR/server.properties"; then
      local env=''
      ((QUIRE_PORT_OFFSET == 0)) || env="QUIRE_PORT_OFFSET=$QUIRE_PORT_OFFSET "
      warn "$NAME runs with an older configuration than dev/stack/kafka.sh writes; restart it to apply: ${env}dev/stack/kafka.sh down && ${env}dev/stack/kafka.sh up"
    fi
    return 0
  fi
  rm -f "$(pid_file "$NAME")"
  port_free "$NAME" "$PORT"
  port_free "$NAME" "$CONTROLLER_PORT"
  port_free "$NAME" "$SSL_PORT"
  port_free "$NAME" "$SASL_SSL_PORT"
  need python3 "$NAME" "install python3 (apt-get install -y python3); the readiness probe uses it"
  mkdir -p "$DIR" "$DATA"
  resolve_classpath
  ensure_keystore
  write_config
  format_storage
  start_process "$NAME" java "${JAVA_OPTS[@]}" -cp "$(cat "$CLASSPATH_FILE")" kafka.Kafka "$DIR/server.properties"
  wait_ready "$NAME" "$START_TIMEOUT" healthy
  ensure_scram_user
  log "$NAME $(server_version) ready on 127.0.0.1:$PORT (SSL :$SSL_PORT, SASL_SSL :$SASL_SSL_PORT) in $((SECONDS - start))s"
}

verb_down() {
  # SIGTERM is Kafka's controlled shutdown; it flushes logs, which can take a few seconds.
  stop_process "$NAME" 30
}

verb_status() {
  if is_running "$NAME" && healthy; then
    local ssl="SSL :$SSL_PORT" sasl="SASL_SSL :$SASL_SSL_PORT"
    ssl_healthy || ssl+=" not answering"
    sasl_ssl_healthy || sasl+=" refusing $SASL_USER"
    printf '%-12s %-9s %-14s %-7s %s\n' "$NAME" healthy "$(server_version)" "$PORT" "pid $(cat "$(pid_file "$NAME")"), KRaft controller :$CONTROLLER_PORT, $ssl, $sasl"
  elif is_running "$NAME"; then
    printf '%-12s %-9s %-14s %-7s %s\n' "$NAME" unhealthy "$VERSION" "$PORT" "not answering; read $LOG"
    return 1
  else
    printf '%-12s %-9s %-14s %-7s %s\n' "$NAME" stopped "$VERSION" "$PORT" "-"
    return 1
  fi
}

verb_env() {
  echo "QUIRE_KAFKA_BROKERS=127.0.0.1:$PORT"
  # The same broker over TLS (SSL) and over TLS with a login (SASL_SSL: SCRAM-SHA-512 or PLAIN).
  # Both certificates name only localhost and are signed by this CA.
  echo "QUIRE_KAFKA_SSL_BROKERS=localhost:$SSL_PORT"
  echo "QUIRE_KAFKA_SASL_SSL_BROKERS=localhost:$SASL_SSL_PORT"
  echo "QUIRE_KAFKA_SSL_CA_FILE=$(stack_ca_dir)/ca.crt"
  echo "QUIRE_KAFKA_SASL_SSL_USERNAME=$SASL_USER"
  echo "QUIRE_KAFKA_SASL_SSL_PASSWORD=$SASL_PASSWORD"
}

case "${1:-}" in
  up | down | status | env) "verb_$1" ;;
  *) echo "usage: $0 up|down|status|env" >&2; exit 2 ;;
esac
