#!/usr/bin/env bash
# Stops the process groups scripts/stack/up.sh started (Cinder first, then Keystone, RabbitMQ,
# epmd): SIGTERM, SIGKILL after 30 s. Keeps the data; `--wipe` also deletes the state folder.
set -uo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
wipe=""; args=()
for a in "$@"; do [ "$a" = "--wipe" ] && wipe=1 || args+=("$a"); done
STATE="${args[0]:-$REPO/.vscode-test/openstack}"
[ -d "$STATE/run" ] || { [ -n "$wipe" ] && rm -rf "$STATE"; exit 0; }
for name in cinder-volume cinder-scheduler cinder-api keystone rabbitmq epmd; do
  f="$STATE/run/$name.pid"
  [ -f "$f" ] || continue
  pgid=$(cat "$f")
  if kill -0 "$pgid" 2>/dev/null; then
    kill -TERM -- "-$pgid" 2>/dev/null
    for _ in $(seq 1 60); do kill -0 "$pgid" 2>/dev/null || break; sleep 0.5; done
    kill -0 "$pgid" 2>/dev/null && kill -KILL -- "-$pgid" 2>/dev/null
  fi
  rm -f "$f"
done
[ -n "$wipe" ] && rm -rf "$STATE"
echo "stack: stopped"
