#!/usr/bin/env bash
# Installs what scripts/stack/up.sh runs: Keystone, Cinder (API, scheduler, volume with a no-op
# driver), RabbitMQ and the openstack CLI, from Debian 12's packages. Idempotent. The packages'
# own system services are kept from starting (policy-rc.d), as up.sh runs its own processes.
set -euo pipefail
PACKAGES="cinder-api python3-keystone rabbitmq-server python3-openstackclient curl"
missing=""
for p in $PACKAGES; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -z "$missing" ]; then echo "stack: packages already installed"; exit 0; fi
SUDO=""; [ "$(id -u)" = "0" ] || SUDO="sudo"
made_policy=""
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
  $SUDO chmod +x /usr/sbin/policy-rc.d
  made_policy=1
  echo "stack: created /usr/sbin/policy-rc.d so apt does not start rabbitmq-server or cinder-api"
fi
start=$SECONDS
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q >/dev/null || true
$SUDO apt-get install -y -q --no-install-recommends --no-upgrade -o DPkg::Lock::Timeout=600 $missing
if [ -n "$made_policy" ]; then $SUDO rm -f /usr/sbin/policy-rc.d; echo "stack: removed the policy-rc.d it created"; fi
echo "stack: installed$missing in $((SECONDS - start)) s"
