# Shared helpers for the dev/ scripts: paths, versions, logging and failure messages.
# Sourced, never executed. Everything heavy lives in the version-keyed cache so that a
# fresh clone on the same machine (CI) reuses it.
set -euo pipefail

QUIRE_ROOT=${QUIRE_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
QUIRE_CACHE=${QUIRE_CACHE:-$HOME/.cache/quire}
# Runtime state (data, logs, pids) of the local stack: one ignored folder in the clone.
QUIRE_RUN=${QUIRE_RUN:-$QUIRE_ROOT/.run}
# Added to every port of the stack, so a second clone (or CI beside a developer's stack) can run
# its own stack on the same machine: QUIRE_PORT_OFFSET=100 moves PostgreSQL to 15532, and so on.
QUIRE_PORT_OFFSET=${QUIRE_PORT_OFFSET:-0}

# Pinned versions, in one place.
# shellcheck source=../versions.env
source "$QUIRE_ROOT/dev/versions.env"

export GOTOOLCHAIN=local
export GOFLAGS="-mod=mod -buildvcs=false"

log()  { printf '\033[1;34m==>\033[0m %s\n' "$*" >&2; }
warn() { printf '\033[1;33mwarning:\033[0m %s\n' "$*" >&2; }
# die COMPONENT MESSAGE [LOGFILE]: stop with the component, the cause and where to read more.
die() {
  local component=$1 message=$2 logfile=${3:-}
  printf '\033[1;31merror:\033[0m %s: %s\n' "$component" "$message" >&2
  if [[ -n $logfile ]]; then
    printf '       read the log: %s\n' "$logfile" >&2
    [[ -f $logfile ]] && { printf '       last lines:\n' >&2; tail -n 15 "$logfile" | sed 's/^/         /' >&2; }
  fi
  exit 1
}
need() { command -v "$1" >/dev/null 2>&1 || die "$2" "required command '$1' was not found; $3"; }

# --- processes -------------------------------------------------------------------------------
# Each component keeps its state under $QUIRE_RUN/<component>/: data/, <component>.log, pid.
# Processes are started in their own session so that stopping one stops its children too, and
# they are only ever stopped through the pid recorded here, never by name.

state_dir() { echo "$QUIRE_RUN/$1"; }
pid_file() { echo "$QUIRE_RUN/$1/pid"; }
log_file() { echo "$QUIRE_RUN/$1/$1.log"; }

# is_running COMPONENT: true when the recorded pid is alive.
is_running() {
  local pf; pf=$(pid_file "$1")
  [[ -f $pf ]] && kill -0 "$(cat "$pf")" 2>/dev/null
}

# port_free COMPONENT PORT: stop with a clear message when something else listens on PORT.
port_free() {
  local component=$1 port=$2
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    local who; who=$(ss -Hltnp "sport = :$port" 2>/dev/null | sed -n 's/.*users:((\("[^"]*"\).*/\1/p' | head -1)
    die "$component" "port $port on 127.0.0.1 is already in use${who:+ by $who}; stop that process or change the port at the top of ${0#$QUIRE_ROOT/}"
  fi
}

# start_process COMPONENT CMD...: start CMD detached, logging to the component's log, recording its pid.
start_process() {
  local component=$1; shift
  local dir lf; dir=$(state_dir "$component"); lf=$(log_file "$component")
  mkdir -p "$dir"
  setsid nohup "$@" >>"$lf" 2>&1 </dev/null &
  echo $! >"$(pid_file "$component")"
}

# wait_ready COMPONENT TIMEOUT_SECONDS CHECK...: poll CHECK until it succeeds; fail with the log
# if it does not within the timeout or if the process died.
wait_ready() {
  local component=$1 timeout=$2; shift 2
  local deadline=$((SECONDS + timeout))
  until "$@" >/dev/null 2>&1; do
    if ! is_running "$component"; then
      die "$component" "the process exited during start-up" "$(log_file "$component")"
    fi
    if ((SECONDS >= deadline)); then
      die "$component" "not answering after ${timeout}s" "$(log_file "$component")"
    fi
    sleep 0.5
  done
}

# stop_process COMPONENT [GRACE_SECONDS]: TERM the recorded process group, KILL it after the grace.
stop_process() {
  local component=$1 grace=${2:-20}
  local pf pid; pf=$(pid_file "$component")
  [[ -f $pf ]] || return 0
  pid=$(cat "$pf")
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    local deadline=$((SECONDS + grace))
    while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.2; done
    if kill -0 "$pid" 2>/dev/null; then
      warn "$component did not stop within ${grace}s; killing it"
      kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
    fi
  fi
  rm -f "$pf"
}

# tcp_open PORT: true when something accepts connections on 127.0.0.1:PORT.
tcp_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# --- TLS for the stores ------------------------------------------------------------------------
# A private CA for the local stack under $QUIRE_RUN/tls/, made once per .run folder with openssl
# (P-256 keys: about 50 ms each), and one server certificate per component signed by it. The
# certificates name only `localhost` (no IP address), so a client that checks host names passes
# at localhost and fails at 127.0.0.1: the tests rely on that to tell verify-ca from verify-full.

stack_ca_dir() { echo "$QUIRE_RUN/tls"; }

# ensure_stack_ca: the CA's certificate and key, made when missing.
ensure_stack_ca() {
  local dir; dir=$(stack_ca_dir)
  [[ -s $dir/ca.crt && -s $dir/ca.key ]] && return 0
  need openssl tls "install it with: sudo apt-get install -y openssl"
  mkdir -p "$dir"
  (umask 077 && openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 3650 \
    -subj "/CN=Quire local stack CA" -addext basicConstraints=critical,CA:TRUE \
    -addext keyUsage=critical,keyCertSign,cRLSign \
    -keyout "$dir/ca.key.tmp" -out "$dir/ca.crt.tmp") >>"$dir/openssl.log" 2>&1 ||
    die tls "openssl could not make the stack's CA" "$dir/openssl.log"
  chmod 644 "$dir/ca.crt.tmp"
  mv "$dir/ca.key.tmp" "$dir/ca.key"
  mv "$dir/ca.crt.tmp" "$dir/ca.crt"
}

# ensure_server_cert DIR: DIR/server.crt and DIR/server.key for `localhost`, signed by the stack's
# CA; made again when missing or when the CA changed since.
ensure_server_cert() {
  local out=$1 ca; ca=$(stack_ca_dir)
  ensure_stack_ca
  if [[ -s $out/server.crt && -s $out/server.key ]] &&
    openssl verify -CAfile "$ca/ca.crt" "$out/server.crt" >/dev/null 2>&1; then
    return 0
  fi
  mkdir -p "$out"
  (umask 077 && openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=localhost" \
    -keyout "$out/server.key" -out "$out/server.csr" &&
    openssl x509 -req -in "$out/server.csr" -CA "$ca/ca.crt" -CAkey "$ca/ca.key" -CAcreateserial \
      -days 825 -extfile <(printf 'subjectAltName=DNS:localhost\nextendedKeyUsage=serverAuth\n') \
      -out "$out/server.crt") >>"$ca/openssl.log" 2>&1 ||
    die tls "openssl could not make a server certificate in $out" "$ca/openssl.log"
  rm -f "$out/server.csr"
  chmod 644 "$out/server.crt"
}
