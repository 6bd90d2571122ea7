#!/usr/bin/env bash
# Starts a real small OpenStack on 127.0.0.1 from Debian 12's packages (install.sh): Keystone,
# Cinder (api, scheduler, volume with a no-op driver), Placement, Nova (api, conductor,
# scheduler, compute with the fake virt driver), RabbitMQ + its own epmd, and two stand-ins
# (stub-network, stub-image). No VM and no disk is ever made.
#
#   up.sh [STATE_DIR]      default: .vscode-test/openstack under the repository root
#
# Every group runs under setsid; STATE/run/NAME.pid is its pid = process-group id (down.sh).
# The first run creates the databases and seeds them; later runs keep the data. On success it
# prints exactly one line on stdout:
#   OpenStack ready: auth_url=http://127.0.0.1:32500/v3 clouds=<STATE>/clouds.yaml in <N> s
# Progress with timings: STATE/log/up.log (also on stderr with OPENSTACK_UP_VERBOSE=1).
# On failure: the step, the last 30 lines of its log, everything stopped again, exit 1.
# Overall limit: OPENSTACK_UP_TIMEOUT seconds (default 300).
# The facts behind each step: /work/shared/openstack/REAL-STACK.md (sections 5 and 9).
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
T="$HERE/templates"
STATE_ARG="${1:-$REPO/.vscode-test/openstack}"
mkdir -p "$STATE_ARG"
STATE="$(cd "$STATE_ARG" && pwd)"
PY=/usr/bin/python3 # the Debian Python with the OpenStack packages, never a pyenv python on PATH
export PYTHONDONTWRITEBYTECODE=1 # no __pycache__ in templates/
MARK="$STATE/.scripts-openstack"

EPMD_PORT=32369 RABBIT_PORT=32672 RABBIT_DIST_PORT=32673 KEYSTONE_PORT=32500 CINDER_PORT=32776
NOVA_PORT=32774 PLACEMENT_PORT=32778 NETWORK_PORT=32696 IMAGE_PORT=32292
AUTH_URL="http://127.0.0.1:$KEYSTONE_PORT/v3"
TIMEOUT=${OPENSTACK_UP_TIMEOUT:-300}
T0=$(date +%s)
DEADLINE=$((T0 + TIMEOUT))
GROUPS_ALL="epmd rabbitmq keystone cinder-api cinder-scheduler cinder-volume stub-network stub-image placement nova-api nova-conductor nova-scheduler nova-compute"

elapsed() { echo $(($(date +%s) - T0)); }
say() {
  local line="[$(date +%T)] $* ($(elapsed) s)"
  if [ -f "$MARK" ] && [ -d "$STATE/log" ]; then echo "$line" >>"$STATE/log/up.log"; fi
  if [ "${OPENSTACK_UP_VERBOSE:-}" = 1 ]; then echo "openstack: $line" >&2; fi
  return 0
}
left() { # seconds left before the overall timeout (at least 1)
  local l=$((DEADLINE - $(date +%s)))
  [ "$l" -gt 0 ] && echo "$l" || echo 1
}
STARTED=""
fail() { # step [log…]
  trap - INT TERM
  echo "openstack: FAILED at step: $1 (after $(elapsed) s)" >&2
  shift
  local f
  for f in "$@"; do
    [ -s "$f" ] || continue
    echo "--- last 30 lines of $f" >&2
    tail -n 30 "$f" >&2
  done
  say "FAILED"
  if [ -n "$STARTED" ]; then
    echo "openstack: stopping what was started" >&2
    bash "$HERE/down.sh" "$STATE" >&2 || true
  fi
  exit 1
}
check_deadline() { [ "$(date +%s)" -lt "$DEADLINE" ] || fail "$1: overall timeout of $TIMEOUT s (OPENSTACK_UP_TIMEOUT)" "${@:2}"; }
trap 'fail "interrupted"' INT TERM

mine() { # pid: is it a process of this state folder?
  [ -r "/proc/$1/environ" ] && tr '\0' '\n' <"/proc/$1/environ" 2>/dev/null | grep -qxF "OPENSTACK_STATE=$STATE"
}
alive() { # group name
  local f="$STATE/run/$1.pid"
  [ -f "$f" ] && kill -0 "$(cat "$f")" 2>/dev/null && mine "$(cat "$f")"
}
listening() { (echo >"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
run() { # name command…: a process group of its own, stdout/stderr in STATE/log/NAME.out
  local name=$1
  shift
  setsid env OPENSTACK_STATE="$STATE" PYTHONPATH="$T" "$@" >>"$STATE/log/$name.out" 2>&1 </dev/null &
  echo $! >"$STATE/run/$name.pid"
  STARTED=1
}
pyprog() { # name module: a Cinder/Nova program (no /usr/bin/nova-* without nova-common)
  local name=$1 module=$2 conf=$3
  run "$name" "$PY" -c "import sys; sys.argv=['$name','--config-file','$conf','--log-file','$STATE/log/$name.log']; import sqlite_tuning; from $module import main; main()"
}
manage() { # log module args…: a *-manage command in the foreground, within the time left
  local log=$1 module=$2 prog=${2%%.*}-manage
  shift 2
  (cd "$STATE" && timeout "$(left)" env PYTHONPATH="$T" "$PY" -c "import sys; sys.argv=sys.argv[1:]; from $module import main; sys.exit(main())" "$prog" "$@") >>"$log" 2>&1
}
wait_port() { # port what group log…
  until listening "$1"; do
    check_deadline "$2 listening on 127.0.0.1:$1" "${@:4}"
    alive "$3" || fail "$2 exited before listening on 127.0.0.1:$1" "${@:4}"
    sleep 0.3
  done
}

# --- checks ---------------------------------------------------------------------------------
[ -x "$PY" ] && "$PY" -c 'import keystone, cinder, nova, placement' 2>/dev/null ||
  fail "Debian packages missing (/usr/bin/python3 cannot import keystone, cinder, nova, placement): run bash scripts/openstack/install.sh"
command -v epmd >/dev/null && [ -x /usr/lib/rabbitmq/bin/rabbitmq-server ] && [ -f /etc/cinder/api-paste.ini ] ||
  fail "RabbitMQ or cinder-common missing: run bash scripts/openstack/install.sh"
if [ ! -f "$MARK" ] && [ -n "$(ls -A "$STATE")" ]; then
  fail "$STATE is not empty and was not made by scripts/openstack/up.sh (another stack's state folder?); give another STATE_DIR"
fi
touch "$MARK"
mkdir -p "$STATE"/{etc,run,log,keystone/fernet,keystone/credential,cinder/lock,nova/lock,nova/instances,rabbit/mnesia,rabbit/log,rabbit/plugins-expand}
say "up.sh $STATE"

# Already running and healthy?
all_alive=1 any_alive=""
for g in $GROUPS_ALL; do if alive "$g"; then any_alive=1; else all_alive=""; fi; done
if [ -n "$all_alive" ] && [ -f "$STATE/.initialized" ] && timeout 60 "$PY" "$T/ready.py" alive "$STATE" 2>/dev/null; then
  say "already running and healthy"
  echo "OpenStack already running and healthy: auth_url=$AUTH_URL clouds=$STATE/clouds.yaml"
  exit 0
fi
if [ -n "$any_alive" ]; then
  say "partly running or unhealthy: stopping it first"
  bash "$HERE/down.sh" "$STATE" >>"$STATE/log/up.log" 2>&1 || true
fi
for p in $EPMD_PORT $RABBIT_PORT $RABBIT_DIST_PORT $KEYSTONE_PORT $CINDER_PORT $NOVA_PORT $PLACEMENT_PORT $NETWORK_PORT $IMAGE_PORT; do
  listening "$p" && fail "port 127.0.0.1:$p is already in use by another program (ss -ltnp | grep :$p)"
done

# --- 1. configs -----------------------------------------------------------------------------
printf '{"keystone": %s, "cinder": %s, "nova": %s, "placement": %s, "network": %s, "image": %s, "rabbit": %s, "epmd": %s}\n' \
  $KEYSTONE_PORT $CINDER_PORT $NOVA_PORT $PLACEMENT_PORT $NETWORK_PORT $IMAGE_PORT $RABBIT_PORT $EPMD_PORT >"$STATE/ports.json"
render() {
  sed -e "s|@OSF@|$STATE|g" -e "s|@KEYSTONE_PORT@|$KEYSTONE_PORT|g" -e "s|@CINDER_PORT@|$CINDER_PORT|g" \
    -e "s|@NOVA_PORT@|$NOVA_PORT|g" -e "s|@PLACEMENT_PORT@|$PLACEMENT_PORT|g" -e "s|@RABBIT_PORT@|$RABBIT_PORT|g" \
    -e "s|@IMAGE_PORT@|$IMAGE_PORT|g" -e "s|@NETWORK_PORT@|$NETWORK_PORT|g" "$T/$1" >"$STATE/etc/$2"
}
for f in keystone.conf cinder.conf nova.conf placement.conf nova-api-paste.ini rabbitmq.conf enabled_plugins; do render "$f" "$f"; done
grep -v '^connection *=' "$STATE/etc/nova.conf" >"$STATE/etc/nova-compute.conf" # "No DB access allowed in nova-compute"
first=""
if [ ! -f "$STATE/.initialized" ]; then
  first=1
  # a first run that did not finish: start its data again from nothing
  rm -rf "$STATE"/*.sqlite* "$STATE"/nova/*.sqlite* "$STATE"/keystone/fernet/* "$STATE"/keystone/credential/* \
    "$STATE"/rabbit/mnesia/* "$STATE/appcred.json" "$STATE/clouds.yaml"
fi
say "configs rendered${first:+ (first run)}"

# --- 2. epmd and RabbitMQ -------------------------------------------------------------------
# Our own epmd first: otherwise erl starts one as a daemon outside our process groups.
run epmd epmd -address 127.0.0.1 -port "$EPMD_PORT"
wait_port "$EPMD_PORT" epmd epmd "$STATE/log/epmd.out"
run rabbitmq env HOME="$STATE/rabbit" RABBITMQ_NODENAME=stack@localhost RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 \
  RABBITMQ_NODE_PORT="$RABBIT_PORT" RABBITMQ_DIST_PORT="$RABBIT_DIST_PORT" ERL_EPMD_PORT="$EPMD_PORT" \
  ERL_EPMD_ADDRESS=127.0.0.1 RABBITMQ_MNESIA_BASE="$STATE/rabbit/mnesia" RABBITMQ_LOG_BASE="$STATE/rabbit/log" \
  RABBITMQ_CONFIG_FILE="$STATE/etc/rabbitmq.conf" RABBITMQ_ENABLED_PLUGINS_FILE="$STATE/etc/enabled_plugins" \
  RABBITMQ_PLUGINS_EXPAND_DIR="$STATE/rabbit/plugins-expand" /usr/lib/rabbitmq/bin/rabbitmq-server

# --- 3. databases (first run) ---------------------------------------------------------------
if [ -n "$first" ]; then
  NC="$STATE/etc/nova.conf"
  (manage "$STATE/log/cinder-manage.out" cinder.cmd.manage --config-file "$STATE/etc/cinder.conf" --log-file "$STATE/log/cinder-manage.log" db sync) &
  j_cinder=$!
  (manage "$STATE/log/placement-manage.out" placement.cmd.manage --config-file "$STATE/etc/placement.conf" db sync) &
  j_placement=$!
  (manage "$STATE/log/nova-manage.out" nova.cmd.manage --config-file "$NC" --log-file "$STATE/log/nova-manage.log" api_db sync &&
    manage "$STATE/log/nova-manage.out" nova.cmd.manage --config-file "$NC" --log-file "$STATE/log/nova-manage.log" cell_v2 map_cell0 \
      --database_connection "sqlite:///$STATE/nova/nova_cell0.sqlite" &&
    manage "$STATE/log/nova-manage.out" nova.cmd.manage --config-file "$NC" --log-file "$STATE/log/nova-manage.log" cell_v2 create_cell --name cell1 &&
    manage "$STATE/log/nova-manage.out" nova.cmd.manage --config-file "$NC" --log-file "$STATE/log/nova-manage.log" db sync) &
  j_nova=$!
  KL="$STATE/log/keystone-manage.out"
  KC=(--config-file "$STATE/etc/keystone.conf")
  manage "$KL" keystone.cmd.manage "${KC[@]}" db_sync || fail "keystone-manage db_sync" "$KL" "$STATE/log/keystone.log"
  manage "$KL" keystone.cmd.manage "${KC[@]}" fernet_setup --keystone-user "$(id -un)" --keystone-group "$(id -gn)" ||
    fail "keystone-manage fernet_setup" "$KL"
  manage "$KL" keystone.cmd.manage "${KC[@]}" credential_setup --keystone-user "$(id -un)" --keystone-group "$(id -gn)" ||
    fail "keystone-manage credential_setup" "$KL"
  manage "$KL" keystone.cmd.manage "${KC[@]}" bootstrap --bootstrap-password adminpass \
    --bootstrap-username admin --bootstrap-project-name admin --bootstrap-role-name admin \
    --bootstrap-region-id RegionOne --bootstrap-admin-url "$AUTH_URL" --bootstrap-public-url "$AUTH_URL" \
    --bootstrap-internal-url "$AUTH_URL" || fail "keystone-manage bootstrap" "$KL" "$STATE/log/keystone.log"
  say "keystone database ready"
  wait "$j_cinder" || fail "cinder-manage db sync" "$STATE/log/cinder-manage.out" "$STATE/log/cinder-manage.log"
  wait "$j_placement" || fail "placement-manage db sync" "$STATE/log/placement-manage.out"
  wait "$j_nova" || fail "nova-manage api_db sync / cell_v2 map_cell0 / create_cell / db sync" "$STATE/log/nova-manage.out" "$STATE/log/nova-manage.log"
  for db in keystone.sqlite cinder.sqlite placement.sqlite nova/nova_api.sqlite nova/nova_cell0.sqlite nova/nova_cell1.sqlite; do
    [ -f "$STATE/$db" ] || fail "database $STATE/$db was not created" "$STATE/log/nova-manage.out"
    "$PY" -c "import sqlite3,sys; sqlite3.connect(sys.argv[1]).execute('PRAGMA journal_mode=WAL')" "$STATE/$db"
  done
  say "all databases ready (WAL)"
fi

# --- 4. Keystone ----------------------------------------------------------------------------
run keystone "$PY" "$T/wsgi_serve.py" keystone "$KEYSTONE_PORT" "$STATE/etc/keystone.conf"
wait_port "$KEYSTONE_PORT" Keystone keystone "$STATE/log/keystone.out" "$STATE/log/keystone.log"
say "keystone listening"
if [ -n "$first" ]; then
  timeout "$(left)" "$PY" "$T/seed.py" keystone "$STATE" >>"$STATE/log/seed.out" 2>&1 ||
    fail "seed.py keystone (users, projects, roles, catalog, app credential)" "$STATE/log/seed.out" "$STATE/log/keystone.log"
  say "keystone seeded"
fi

# --- 5. Cinder, stubs, Placement, Nova ------------------------------------------------------
size() { stat -c %s "$1" 2>/dev/null || echo 0; }
sched_from=$(($(size "$STATE/log/cinder-scheduler.log") + 1)) # only this run's lines count
cond_from=$(($(size "$STATE/log/nova-conductor.log") + 1))
pyprog cinder-api cinder.cmd.api "$STATE/etc/cinder.conf"
pyprog cinder-scheduler cinder.cmd.scheduler "$STATE/etc/cinder.conf"
run stub-network "$PY" "$T/wsgi_serve.py" stub-network "$NETWORK_PORT"
run stub-image "$PY" "$T/wsgi_serve.py" stub-image "$IMAGE_PORT"
run placement "$PY" "$T/wsgi_serve.py" placement "$PLACEMENT_PORT" "$STATE/etc"
pyprog nova-api nova.cmd.api "$STATE/etc/nova.conf"
pyprog nova-conductor nova.cmd.conductor "$STATE/etc/nova.conf"
pyprog nova-scheduler nova.cmd.scheduler "$STATE/etc/nova.conf"
wait_port "$RABBIT_PORT" RabbitMQ rabbitmq "$STATE/log/rabbitmq.out"
say "rabbitmq listening"
# cinder-volume only after the scheduler listens (else its pool announcement is lost for up to
# 60 s: "No valid backend was found"); nova-compute only after the conductor ("Timed out
# waiting for nova-conductor", a fixed 10 s loss). REAL-STACK.md pitfalls 11 and 12.
vol="" comp=""
while [ -z "$vol" ] || [ -z "$comp" ]; do
  if [ -z "$vol" ] && tail -c +"$sched_from" "$STATE/log/cinder-scheduler.log" 2>/dev/null | grep -q "Starting cinder-scheduler node"; then
    pyprog cinder-volume cinder.cmd.volume "$STATE/etc/cinder.conf"
    vol=1
    say "cinder-scheduler started; cinder-volume starting"
  fi
  if [ -z "$comp" ] && tail -c +"$cond_from" "$STATE/log/nova-conductor.log" 2>/dev/null | grep -q "Starting conductor node"; then
    pyprog nova-compute nova.cmd.compute "$STATE/etc/nova-compute.conf"
    comp=1
    say "nova-conductor started; nova-compute starting"
  fi
  for g in cinder-scheduler nova-conductor; do
    alive "$g" || fail "$g exited" "$STATE/log/$g.out" "$STATE/log/$g.log"
  done
  check_deadline "cinder-scheduler / nova-conductor start" "$STATE/log/cinder-scheduler.log" "$STATE/log/nova-conductor.log"
  sleep 0.3
done
wait_port "$CINDER_PORT" cinder-api cinder-api "$STATE/log/cinder-api.out" "$STATE/log/cinder-api.log"
wait_port "$NOVA_PORT" nova-api nova-api "$STATE/log/nova-api.out" "$STATE/log/nova-api.log"
wait_port "$PLACEMENT_PORT" Placement placement "$STATE/log/placement.out" "$STATE/log/placement.log"
wait_port "$NETWORK_PORT" stub-network stub-network "$STATE/log/stub-network.out"
wait_port "$IMAGE_PORT" stub-image stub-image "$STATE/log/stub-image.out"
say "all APIs listening"

# --- 6. services up (heartbeats of this run only) -------------------------------------------
relevant_log() { # the last line of ready.out -> the log of the first thing still missing
  local first
  first=$(tail -n 1 "$STATE/log/ready.out" | sed -n 's/.*not yet: \([^,]*\).*/\1/p')
  case "$first" in
    cinder-scheduler | cinder-volume | nova-conductor | nova-scheduler | nova-compute) echo "$STATE/log/$first.log" ;;
    *pool*) echo "$STATE/log/cinder-volume.log" ;;
    *Placement*) echo "$STATE/log/nova-compute.log" ;;
    *hypervisor*) echo "$STATE/log/nova-compute.log" ;;
    *) echo "$STATE/log/keystone.log" ;;
  esac
}
"$PY" "$T/ready.py" services "$STATE" "$T0" "$DEADLINE" 2>>"$STATE/log/ready.out" ||
  fail "services up within the overall timeout of $TIMEOUT s ($(tail -n 1 "$STATE/log/ready.out"))" "$(relevant_log)"
say "services up"

# --- 7. host mapping, volume types, flavor; hypervisor --------------------------------------
if [ -n "$first" ]; then
  manage "$STATE/log/nova-manage.out" nova.cmd.manage --config-file "$STATE/etc/nova.conf" --log-file "$STATE/log/nova-manage.log" cell_v2 discover_hosts --verbose ||
    fail "nova-manage cell_v2 discover_hosts" "$STATE/log/nova-manage.out"
  timeout "$(left)" "$PY" "$T/seed.py" cinder-nova "$STATE" >>"$STATE/log/seed.out" 2>&1 ||
    fail "seed.py cinder-nova (volume types, flavor)" "$STATE/log/seed.out" "$STATE/log/cinder-api.log" "$STATE/log/nova-api.log"
  say "host mapped, volume types and flavor made"
fi
"$PY" "$T/ready.py" hypervisor "$STATE" "$DEADLINE" 2>>"$STATE/log/ready.out" ||
  fail "hypervisor stackhost in GET /os-hypervisors within the overall timeout of $TIMEOUT s ($(tail -n 1 "$STATE/log/ready.out"))" "$STATE/log/nova-compute.log"
timeout "$(left)" "$PY" "$T/seed.py" servers "$STATE" >>"$STATE/log/seed.out" 2>&1 ||
  fail "seed.py servers (vm1 booted from a volume)" "$STATE/log/seed.out" "$STATE/log/nova-compute.log" "$STATE/log/nova-conductor.log"
say "server vm1 there"
"$PY" "$T/seed.py" clouds "$STATE" >>"$STATE/log/seed.out" 2>&1 || fail "writing clouds.yaml" "$STATE/log/seed.out"
touch "$STATE/.initialized"
trap - INT TERM
say "ready"
echo "OpenStack ready: auth_url=$AUTH_URL clouds=$STATE/clouds.yaml in $(elapsed) s"
