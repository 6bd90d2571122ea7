#!/usr/bin/env bash
# Smoke test of the stack of up.sh with curl, as user demo: token, catalog, volumes (create,
# extend, snapshot, deletes), a server booted from a volume (compute 2.37, "networks": "none"),
# attach/detach of a second volume through Nova, deletes. One line per step with its time;
# exits 1 at the first failure (after deleting what it made), 0 when all passed.
#
#   smoke.sh [STATE_DIR]       default: .vscode-test/openstack under the repository root
set -uo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
STATE="${1:-$REPO/.vscode-test/openstack}"
KS=http://127.0.0.1:32500/v3
WAIT=${SMOKE_WAIT:-120} # seconds for one state change
TMP=$(mktemp -d)
T_ALL=$(date +%s.%N)
STEP="" T_STEP=""
SERVER="" VOLUMES=() SNAPS=()
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }'; }

begin() { STEP=$1; T_STEP=$(now); }
ok() { printf 'ok    %-46s %6s s  %s\n' "$STEP" "$(since "$T_STEP")" "${1:-}"; }
fail() {
  printf 'FAIL  %-46s %6s s  %s\n' "$STEP" "$(since "$T_STEP")" "$1"
  [ -s "$TMP/body" ] && { echo "      last response (HTTP $CODE): $(head -c 1500 "$TMP/body")"; }
  cleanup
  echo "smoke: FAILED at step '$STEP' after $(since "$T_ALL") s"
  exit 1
}
CODE=""
api() { # METHOD URL [BODY] [header…] -> CODE, response in $TMP/body, headers in $TMP/headers
  local method=$1 url=$2 body=${3:-}
  shift 3 2>/dev/null || shift $#
  local args=(-s -o "$TMP/body" -D "$TMP/headers" -w '%{http_code}' -X "$method" -H "Accept: application/json"
    --max-time 60)
  [ -n "${TOKEN:-}" ] && args+=(-H "X-Auth-Token: $TOKEN")
  [ -n "$body" ] && args+=(-H "Content-Type: application/json" -d "$body")
  local h
  for h in "$@"; do args+=(-H "$h"); done
  CODE=$(curl "${args[@]}" "$url") || CODE="curl-error-$?"
}
expect() { # codes… : the last response's status is one of them
  local c
  for c in "$@"; do [ "$CODE" = "$c" ] && return 0; done
  fail "expected HTTP $* for the request, got $CODE"
}
jqb() { jq -r "$1" "$TMP/body" 2>/dev/null; }
# wait_for WHAT URL JQ WANT [BAD…]: poll (0.2 s) until jq gives WANT (or the URL answers 404 when
# WANT is 404); a value in BAD fails at once.
wait_for() {
  local what=$1 url=$2 filter=$3 want=$4
  shift 4
  local t=$(now) v="" seen="" last="-"
  while :; do
    api GET "$url" ""
    if [ "$want" = 404 ] && [ "$CODE" = 404 ]; then seen="$seen -> 404"; break; fi
    [ "$CODE" = 200 ] || fail "$what: GET answered HTTP $CODE"
    v=$(jqb "$filter")
    [ "$v" != "$last" ] && seen="${seen:+$seen -> }$v" && last=$v
    [ "$v" = "$want" ] && break
    local bad
    for bad in "$@"; do [ "$v" = "$bad" ] && fail "$what: reached $v ($(jqb '..|.fault? // empty|tostring' | head -c 600))"; done
    [ "$(awk -v a="$t" -v b="$(now)" -v w="$WAIT" 'BEGIN { print (b - a > w) }')" = 1 ] && fail "$what: still '$v' after $WAIT s"
    sleep 0.2
  done
  SETTLE="[${seen# -> }] after $(since "$t") s"
}
cleanup() { # best effort: what this run made and did not delete yet
  local id left=()
  [ -n "${TOKEN:-}" ] || return 0
  if [ -n "$SERVER" ]; then
    api DELETE "$NOVA/servers/$SERVER" ""
    for _ in $(seq 1 100); do api GET "$NOVA/servers/$SERVER" ""; [ "$CODE" = 404 ] && break; sleep 0.2; done
  fi
  for id in "${SNAPS[@]}"; do api DELETE "$VOL/snapshots/$id" ""; done
  [ ${#SNAPS[@]} -gt 0 ] && sleep 1
  for id in "${VOLUMES[@]}"; do api DELETE "$VOL/volumes/$id" ""; [ "$CODE" = 202 ] || left+=("$id"); done
  if [ ${#left[@]} -gt 0 ]; then
    # stuck (reserved, attaching, error…): as admin, reset the state and delete
    local adm admp saved=$TOKEN
    TOKEN=""
    api POST "$KS/auth/tokens" '{"auth":{"identity":{"methods":["password"],"password":{"user":{"name":"admin","domain":{"id":"default"},"password":"adminpass"}}},"scope":{"project":{"name":"admin","domain":{"id":"default"}}}}}'
    adm=$(awk 'tolower($1)=="x-subject-token:" { sub(/\r$/, "", $2); print $2 }' "$TMP/headers")
    admp=$(jqb .token.project.id)
    TOKEN=$adm
    for id in "${left[@]}"; do
      api POST "${VOL%/*}/$admp/volumes/$id/action" '{"os-reset_status":{"status":"available","attach_status":"detached"}}'
      api DELETE "${VOL%/*}/$admp/volumes/$id" ""
    done
    TOKEN=$saved
  fi
  echo "      cleanup: deleted server ${SERVER:-none}, snapshots ${SNAPS[*]:-none}, volumes ${VOLUMES[*]:-none}${left[*]:+ (as admin after a state reset: ${left[*]})} (best effort)"
  : >"$TMP/body"
}
forget() { # id: no longer to be cleaned up
  local a=() x
  for x in "${VOLUMES[@]}"; do [ "$x" != "$1" ] && a+=("$x"); done
  VOLUMES=("${a[@]}")
  a=()
  for x in "${SNAPS[@]}"; do [ "$x" != "$1" ] && a+=("$x"); done
  SNAPS=("${a[@]}")
}
trap 'rm -rf "$TMP"' EXIT
trap 'STEP="${STEP:-start} (interrupted)"; fail "interrupted"' INT TERM
echo "smoke: $KS as demo ($(date +%T))"

# --- Keystone -------------------------------------------------------------------------------
begin "token demo (POST /v3/auth/tokens)"
api POST "$KS/auth/tokens" '{"auth":{"identity":{"methods":["password"],"password":{"user":{"name":"demo","domain":{"id":"default"},"password":"demopass"}}},"scope":{"project":{"name":"demo","domain":{"id":"default"}}}}}'
expect 201
TOKEN=$(awk 'tolower($1)=="x-subject-token:" { sub(/\r$/, "", $2); print $2 }' "$TMP/headers")
PROJECT=$(jqb .token.project.id)
[ -n "$TOKEN" ] || fail "no X-Subject-Token header"
ok "project $PROJECT, token ${#TOKEN} chars"

begin "catalog: volume and compute endpoints"
VOL=$(jqb '[.token.catalog[] | select(.type=="block-storage" or .type=="volumev3")] | sort_by(.type=="volumev3") | .[0].endpoints[] | select(.interface=="public") | .url' | head -n1)
NOVA=$(jqb '.token.catalog[] | select(.type=="compute") | .endpoints[] | select(.interface=="public") | .url' | head -n1)
[ -n "$VOL" ] || fail "no block-storage/volumev3 public endpoint in the catalog"
[ -n "$NOVA" ] || fail "no compute public endpoint in the catalog"
ok "volume $VOL, compute $NOVA"

begin "token demo-ac (application credential)"
if [ -f "$STATE/clouds.yaml" ]; then
  AC_ID=$(jq -r '.clouds["demo-ac"].auth.application_credential_id' "$STATE/clouds.yaml")
  AC_SECRET=$(jq -r '.clouds["demo-ac"].auth.application_credential_secret' "$STATE/clouds.yaml")
  SAVED=$TOKEN TOKEN=""
  api POST "$KS/auth/tokens" "{\"auth\":{\"identity\":{\"methods\":[\"application_credential\"],\"application_credential\":{\"id\":\"$AC_ID\",\"secret\":\"$AC_SECRET\"}}}}"
  TOKEN=$SAVED
  expect 201
  [ "$(jqb .token.application_credential.restricted)" = true ] || fail "token.application_credential.restricted is not true"
  ok "restricted, roles $(jqb '[.token.roles[].name] | sort | join("+")')"
else
  fail "$STATE/clouds.yaml not found (give the STATE_DIR of up.sh)"
fi

# --- Cinder ---------------------------------------------------------------------------------
begin "GET volumes"
api GET "$VOL/volumes" ""
expect 200
ok "$(jqb '.volumes | length') volumes"

begin "create volume 1 GiB -> available"
api POST "$VOL/volumes" '{"volume":{"name":"smoke-vol","size":1}}'
expect 202
V1=$(jqb .volume.id)
VOLUMES+=("$V1")
wait_for "volume $V1" "$VOL/volumes/$V1" .volume.status available error
ok "$V1 $SETTLE"

begin "extend to 2 GiB -> available"
api POST "$VOL/volumes/$V1/action" '{"os-extend":{"new_size":2}}'
expect 202
wait_for "extend of $V1" "$VOL/volumes/$V1" '"\(.volume.size) \(.volume.status)"' "2 available" "1 error_extending" "2 error_extending"
ok "$SETTLE"

begin "create snapshot -> available"
api POST "$VOL/snapshots" "{\"snapshot\":{\"volume_id\":\"$V1\",\"name\":\"smoke-snap\"}}"
expect 202
S1=$(jqb .snapshot.id)
SNAPS+=("$S1")
wait_for "snapshot $S1" "$VOL/snapshots/$S1" .snapshot.status available error
ok "$S1 $SETTLE"

begin "delete snapshot -> 404"
api DELETE "$VOL/snapshots/$S1" ""
expect 202
wait_for "snapshot $S1 deletion" "$VOL/snapshots/$S1" .snapshot.status 404 error_deleting
forget "$S1"
ok "$SETTLE"

begin "delete volume -> 404"
api DELETE "$VOL/volumes/$V1" ""
expect 202
wait_for "volume $V1 deletion" "$VOL/volumes/$V1" .volume.status 404 error_deleting
forget "$V1"
ok "$SETTLE"

# --- Nova -----------------------------------------------------------------------------------
begin "boot volume 1 GiB, bootable"
api POST "$VOL/volumes" '{"volume":{"name":"smoke-boot","size":1}}'
expect 202
VB=$(jqb .volume.id)
VOLUMES+=("$VB")
wait_for "boot volume $VB" "$VOL/volumes/$VB" .volume.status available error
api POST "$VOL/volumes/$VB/action" '{"os-set_bootable":{"bootable":true}}'
expect 200
ok "$VB $SETTLE"

begin "boot server from volume (2.37, networks none)"
api POST "$NOVA/servers" "{\"server\":{\"name\":\"smoke-vm\",\"flavorRef\":\"1\",\"networks\":\"none\",\"block_device_mapping_v2\":[{\"boot_index\":0,\"uuid\":\"$VB\",\"source_type\":\"volume\",\"destination_type\":\"volume\",\"delete_on_termination\":false}]}}" \
  "OpenStack-API-Version: compute 2.37"
expect 202
SERVER=$(jqb .server.id)
[ -n "$SERVER" ] && [ "$SERVER" != null ] || fail "no server id in the answer"
wait_for "server $SERVER" "$NOVA/servers/$SERVER" .server.status ACTIVE ERROR
ok "$SERVER $SETTLE"

begin "data volume 1 GiB -> available"
api POST "$VOL/volumes" '{"volume":{"name":"smoke-data","size":1}}'
expect 202
VD=$(jqb .volume.id)
VOLUMES+=("$VD")
wait_for "data volume $VD" "$VOL/volumes/$VD" .volume.status available error
ok "$VD $SETTLE"

begin "attach via Nova os-volume_attachments"
api POST "$NOVA/servers/$SERVER/os-volume_attachments" "{\"volumeAttachment\":{\"volumeId\":\"$VD\"}}"
expect 200
DEV=$(jqb .volumeAttachment.device)
wait_for "attach of $VD" "$VOL/volumes/$VD" .volume.status in-use error error_attaching available
ok "device $DEV $SETTLE"

begin "detach via Nova"
api DELETE "$NOVA/servers/$SERVER/os-volume_attachments/$VD" ""
expect 202
wait_for "detach of $VD" "$VOL/volumes/$VD" .volume.status available error error_detaching
ok "$SETTLE"

begin "delete server -> 404"
api DELETE "$NOVA/servers/$SERVER" ""
expect 204
wait_for "server $SERVER deletion" "$NOVA/servers/$SERVER" .server.status 404 ERROR
SERVER=""
GONE=$SETTLE
wait_for "boot volume $VB release" "$VOL/volumes/$VB" .volume.status available error
ok "$GONE; boot volume $SETTLE"

begin "delete both volumes -> 404"
for id in "$VD" "$VB"; do
  api DELETE "$VOL/volumes/$id" ""
  expect 202
done
for id in "$VD" "$VB"; do
  wait_for "volume $id deletion" "$VOL/volumes/$id" .volume.status 404 error_deleting
  forget "$id"
done
ok "$SETTLE"

echo "smoke: all steps passed in $(since "$T_ALL") s"
