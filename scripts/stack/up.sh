#!/usr/bin/env bash
# Starts a real small OpenStack for the tests: Keystone, Cinder (API, scheduler, volume with a
# no-op driver) and RabbitMQ from Debian 12's packages (scripts/stack/install.sh), as plain
# processes on 127.0.0.1, everything in the state folder (default .vscode-test/openstack).
# Each service runs in its own process group (pid = pgid in STATE/run); down.sh stops them.
# First run: databases, Keystone bootstrap, users demo/admin, the app credential demo-ac, volume
# types. Prints one line: "OpenStack ready: auth_url=… clouds=… in N s". Starting again keeps data.
# Facts behind each line: ../shared/openstack/REAL-STACK.md (sections 5 and 9).
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
STATE="$(mkdir -p "${1:-$REPO/.vscode-test/openstack}" && cd "${1:-$REPO/.vscode-test/openstack}" && pwd)"
PY=/usr/bin/python3   # the Debian Python with the OpenStack packages (not a pyenv python on PATH)
KEYSTONE_PORT=35500 CINDER_PORT=35776 RABBIT_PORT=35672 RABBIT_DIST_PORT=35673 EPMD_PORT=35369
TIMEOUT=${OPENSTACK_UP_TIMEOUT:-300}
start=$SECONDS
t0=$(date +%s)
say() { echo "stack: $* ($((SECONDS - start)) s)"; }
alive() { [ -f "$STATE/run/$1.pid" ] && kill -0 "$(cat "$STATE/run/$1.pid")" 2>/dev/null; }
fail() {
  echo "stack: FAILED: $1" >&2
  [ -n "${2:-}" ] && [ -f "$2" ] && { echo "--- last lines of $2" >&2; tail -30 "$2" >&2; }
  bash "$HERE/down.sh" "$STATE" >/dev/null 2>&1 || true
  exit 1
}
wait_port() {
  local port=$1 what=$2 log=$3
  for _ in $(seq 1 "$TIMEOUT"); do
    (echo > "/dev/tcp/127.0.0.1/$port") 2>/dev/null && return 0
    [ $((SECONDS - start)) -gt "$TIMEOUT" ] && break
    sleep 0.5
  done
  fail "$what did not listen on $port" "$log"
}
run() { # name log command… : a process group of its own
  local name=$1 log=$2; shift 2
  setsid "$@" >>"$log" 2>&1 < /dev/null &
  echo $! > "$STATE/run/$name.pid"
}

[ -x "$PY" ] && "$PY" -c 'import keystone, cinder' 2>/dev/null || fail "Keystone/Cinder are not installed: bash scripts/stack/install.sh"
if alive keystone && alive cinder-api && alive cinder-volume && curl -sf "http://127.0.0.1:$KEYSTONE_PORT/v3" >/dev/null; then
  echo "OpenStack already running: auth_url=http://127.0.0.1:$KEYSTONE_PORT/v3 clouds=$STATE/clouds.yaml"
  exit 0
fi
bash "$HERE/down.sh" "$STATE" >/dev/null 2>&1 || true
mkdir -p "$STATE"/{etc,run,log,fernet,credential,rabbit/mnesia,rabbit/log,cinder/state,cinder/lock}
echo "{\"keystone\": $KEYSTONE_PORT, \"cinder\": $CINDER_PORT}" > "$STATE/ports.json"
first=""; [ -f "$STATE/keystone.sqlite" ] || first=1

cat > "$STATE/etc/keystone.conf" <<CONF
[DEFAULT]
log_dir = $STATE/log
[database]
connection = sqlite:///$STATE/keystone.sqlite
[token]
provider = fernet
[fernet_tokens]
key_repository = $STATE/fernet
[credential]
key_repository = $STATE/credential
CONF
cat > "$STATE/etc/cinder.conf" <<CONF
[DEFAULT]
auth_strategy = keystone
transport_url = rabbit://guest:guest@127.0.0.1:$RABBIT_PORT/
host = stackhost
osapi_volume_listen = 127.0.0.1
osapi_volume_listen_port = $CINDER_PORT
osapi_volume_workers = 1
api_paste_config = /etc/cinder/api-paste.ini
rootwrap_config = /etc/cinder/rootwrap.conf
state_path = $STATE/cinder/state
log_dir = $STATE/log
enabled_backends = fake
default_volume_type = __DEFAULT__
[database]
connection = sqlite:///$STATE/cinder.sqlite
[oslo_concurrency]
lock_path = $STATE/cinder/lock
[oslo_policy]
enforce_scope = false
enforce_new_defaults = false
[keystone_authtoken]
www_authenticate_uri = http://127.0.0.1:$KEYSTONE_PORT
auth_url = http://127.0.0.1:$KEYSTONE_PORT
auth_type = password
project_domain_name = Default
user_domain_name = Default
project_name = admin
username = admin
password = adminpass
[fake]
volume_driver = feasdriver.FeasFakeDriver
volume_backend_name = fake
CONF
printf 'loopback_users = none\nlisteners.tcp.default = %s\n' "$RABBIT_PORT" > "$STATE/rabbit/rabbitmq.conf"
echo "[]." > "$STATE/rabbit/enabled_plugins"

# RabbitMQ, with its own epmd (else erl starts one as a daemon outside our process groups).
run epmd "$STATE/log/epmd.log" epmd -address 127.0.0.1 -port "$EPMD_PORT"
run rabbitmq "$STATE/log/rabbitmq.log" env HOME="$STATE/rabbit" RABBITMQ_NODENAME=stack@localhost RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 \
  RABBITMQ_NODE_PORT="$RABBIT_PORT" RABBITMQ_DIST_PORT="$RABBIT_DIST_PORT" ERL_EPMD_PORT="$EPMD_PORT" ERL_EPMD_ADDRESS=127.0.0.1 \
  RABBITMQ_MNESIA_BASE="$STATE/rabbit/mnesia" RABBITMQ_LOG_BASE="$STATE/rabbit/log" RABBITMQ_CONFIG_FILE="$STATE/rabbit/rabbitmq" \
  RABBITMQ_ENABLED_PLUGINS_FILE="$STATE/rabbit/enabled_plugins" /usr/lib/rabbitmq/bin/rabbitmq-server

KM=("$PY" /usr/bin/keystone-manage --config-file "$STATE/etc/keystone.conf")
if [ -n "$first" ]; then
  say "first run: databases"
  (cd "$STATE" && PYTHONPATH="$HERE" "$PY" -c "import sys; sys.argv=['cinder-manage','--config-file','$STATE/etc/cinder.conf','db','sync']; from cinder.cmd.manage import main; main()" >>"$STATE/log/cinder-manage.out" 2>&1) &
  cinder_sync=$!
  "${KM[@]}" db_sync >>"$STATE/log/keystone-manage.out" 2>&1 || fail "keystone-manage db_sync" "$STATE/log/keystone-manage.out"
  "${KM[@]}" fernet_setup --keystone-user "$(id -un)" --keystone-group "$(id -gn)" >>"$STATE/log/keystone-manage.out" 2>&1 || fail "fernet_setup" "$STATE/log/keystone-manage.out"
  "${KM[@]}" credential_setup --keystone-user "$(id -un)" --keystone-group "$(id -gn)" >>"$STATE/log/keystone-manage.out" 2>&1 || fail "credential_setup" "$STATE/log/keystone-manage.out"
  "${KM[@]}" bootstrap --bootstrap-password adminpass --bootstrap-region-id RegionOne \
    --bootstrap-admin-url "http://127.0.0.1:$KEYSTONE_PORT/v3" --bootstrap-public-url "http://127.0.0.1:$KEYSTONE_PORT/v3" \
    --bootstrap-internal-url "http://127.0.0.1:$KEYSTONE_PORT/v3" >>"$STATE/log/keystone-manage.out" 2>&1 || fail "keystone bootstrap" "$STATE/log/keystone-manage.out"
  wait "$cinder_sync" || fail "cinder-manage db sync" "$STATE/log/cinder-manage.out"
  for db in keystone cinder; do "$PY" -c "import sqlite3; sqlite3.connect('$STATE/$db.sqlite').execute('PRAGMA journal_mode=WAL')"; done
fi

run keystone "$STATE/log/keystone.out" "$PY" "$HERE/keystone_serve.py" "$KEYSTONE_PORT" "$STATE/etc/keystone.conf"
wait_port "$KEYSTONE_PORT" Keystone "$STATE/log/keystone.out"
wait_port "$RABBIT_PORT" RabbitMQ "$STATE/log/rabbitmq.log"
say "Keystone and RabbitMQ up"
if [ -n "$first" ]; then "$PY" "$HERE/stack.py" seed-keystone "$STATE" || fail "seeding Keystone" "$STATE/log/keystone.log"; fi

cinder() { # name: one Cinder program, sqlite tuned, the fake driver importable
  run "cinder-$1" "$STATE/log/cinder-$1.out" env PYTHONPATH="$HERE" "$PY" -c \
    "import sys; sys.argv=['cinder-$1','--config-file','$STATE/etc/cinder.conf','--log-file','$STATE/log/cinder-$1.log']; import sqlite_tuning; from cinder.cmd.$1 import main; main()"
}
cinder api
# Only what the scheduler logs from now on counts (the log keeps earlier runs' lines).
sched_log="$STATE/log/cinder-scheduler.log"
sched_from=$(( $(stat -c %s "$sched_log" 2>/dev/null || echo 0) + 1 ))
cinder scheduler
# The volume service announces its pool at start: start it once the scheduler listens, or the
# announcement is lost for a minute (REAL-STACK.md pitfall 11).
for _ in $(seq 1 120); do tail -c +"$sched_from" "$sched_log" 2>/dev/null | grep -q "Starting cinder-scheduler node" && break; sleep 0.5; done
cinder volume
wait_port "$CINDER_PORT" cinder-api "$STATE/log/cinder-api.log"
"$PY" "$HERE/stack.py" wait-cinder "$STATE" "$t0" || fail "Cinder services" "$STATE/log/cinder-volume.log"
if [ -n "$first" ]; then "$PY" "$HERE/stack.py" seed-cinder "$STATE" || fail "seeding Cinder" "$STATE/log/cinder-api.log"; fi
"$PY" "$HERE/stack.py" clouds "$STATE"
echo "OpenStack ready: auth_url=http://127.0.0.1:$KEYSTONE_PORT/v3 clouds=$STATE/clouds.yaml in $((SECONDS - start)) s"
