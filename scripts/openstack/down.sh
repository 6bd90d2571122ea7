#!/usr/bin/env bash
# Stops the process groups scripts/openstack/up.sh started, by PGID (STATE/run/NAME.pid):
# the OpenStack services first (all at once), then Keystone, RabbitMQ, epmd. SIGTERM, SIGKILL
# after 30 s. Only groups whose leader carries OPENSTACK_STATE=<this folder> are signalled
# (never a reused pid, never another stack). Keeps the data.
#
#   down.sh [STATE_DIR] [--wipe]     --wipe also deletes the state folder
set -uo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
wipe="" args=()
for a in "$@"; do if [ "$a" = "--wipe" ]; then wipe=1; else args+=("$a"); fi; done
STATE="${args[0]:-$REPO/.vscode-test/openstack}"
if [ ! -d "$STATE" ]; then echo "openstack: nothing to stop ($STATE does not exist)"; exit 0; fi
STATE="$(cd "$STATE" && pwd)"
if [ ! -f "$STATE/.scripts-openstack" ] && [ -n "$(ls -A "$STATE")" ]; then
  echo "openstack: $STATE was not made by scripts/openstack/up.sh; not touching it" >&2
  exit 1
fi
start=$(date +%s)
SERVICES="nova-compute nova-api nova-scheduler nova-conductor cinder-volume cinder-api cinder-scheduler placement stub-network stub-image"

mine() { [ -r "/proc/$1/environ" ] && tr '\0' '\n' <"/proc/$1/environ" 2>/dev/null | grep -qxF "OPENSTACK_STATE=$STATE"; }
group_alive() { # a process of the group that is not a zombie (an unreaped one does not count)
  ps -e -o pgid=,stat= | awk -v g="$1" '$1 == g && $2 !~ /^Z/ { found = 1 } END { exit !found }'
}
mine_group() { # some process of the group is ours (the leader may have gone before its workers)
  local p
  for p in $(pgrep -g "$1" 2>/dev/null); do mine "$p" && return 0; done
  return 1
}
stop() { # names…: SIGTERM to each group, wait for all (30 s), then SIGKILL what is left
  local name f pgid pgids=() killed=""
  for name in "$@"; do
    f="$STATE/run/$name.pid"
    [ -f "$f" ] || continue
    pgid=$(cat "$f")
    if group_alive "$pgid" && mine_group "$pgid"; then
      kill -TERM -- "-$pgid" 2>/dev/null && pgids+=("$pgid")
    fi
    rm -f "$f"
  done
  [ ${#pgids[@]} -eq 0 ] && return 0
  for _ in $(seq 1 150); do
    local any=""
    for pgid in "${pgids[@]}"; do group_alive "$pgid" && any=1; done
    [ -z "$any" ] && return 0
    sleep 0.2
  done
  for pgid in "${pgids[@]}"; do
    if group_alive "$pgid"; then kill -KILL -- "-$pgid" 2>/dev/null && killed="$killed $pgid"; fi
  done
  [ -n "$killed" ] && echo "openstack: SIGKILL after 30 s to process groups$killed"
  return 0
}

times=""
phase() { # label names…
  local t=$(date +%s) label=$1
  shift
  stop "$@"
  times="$times, $label $(($(date +%s) - t)) s"
}
if [ -d "$STATE/run" ]; then
  phase services $SERVICES
  phase keystone keystone
  phase rabbitmq rabbitmq
  phase epmd epmd
fi
if [ -n "$wipe" ]; then
  rm -rf "$STATE"
  echo "openstack: stopped (${times#, }) and deleted $STATE in $(($(date +%s) - start)) s"
else
  echo "openstack: stopped in $(($(date +%s) - start)) s (${times#, }; data kept in $STATE)"
fi
