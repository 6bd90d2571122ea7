#!/usr/bin/env bash
# Installs what scripts/openstack/up.sh runs, from Debian 12's packages. Idempotent: only the
# packages not yet installed are asked for; nothing installed is upgraded (--no-upgrade).
# As root directly, else through sudo.
#
# Not installed on purpose: keystone, nova-*, placement-api, cinder-scheduler, cinder-volume
# (uwsgi plugins, dbconfig-common, qemu-utils, open-iscsi, lvm2, tgt, …); up.sh runs the
# programs from the Python packages (REAL-STACK.md section 4).
#
# apt would start rabbitmq-server and cinder-api as system services when it installs them:
# /usr/sbin/policy-rc.d answering 101 prevents that. If there is none, this script makes one
# for the install and removes it again afterwards.
set -euo pipefail
PACKAGES="cinder-api python3-keystone python3-nova python3-placement rabbitmq-server python3-openstackclient python3-openstacksdk python3-cinderclient python3-novaclient curl jq sqlite3 bc"
start=$(date +%s)
missing=""
for p in $PACKAGES; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -z "$missing" ]; then
  echo "openstack: all packages already installed ($(($(date +%s) - start)) s)"
  exit 0
fi
if [ "$(id -u)" = 0 ]; then SUDO=(); else
  command -v sudo >/dev/null || { echo "openstack: not root and no sudo: cannot install$missing" >&2; exit 1; }
  SUDO=(sudo)
fi
made_policy=""
cleanup() {
  if [ -n "$made_policy" ]; then
    "${SUDO[@]}" rm -f /usr/sbin/policy-rc.d
    echo "openstack: removed the /usr/sbin/policy-rc.d this script had created"
  fi
}
trap cleanup EXIT
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\n# made by scripts/openstack/install.sh for the install: no service starts\nexit 101\n' |
    "${SUDO[@]}" tee /usr/sbin/policy-rc.d >/dev/null
  "${SUDO[@]}" chmod 755 /usr/sbin/policy-rc.d
  made_policy=1
  echo "openstack: created /usr/sbin/policy-rc.d (exit 101) so that apt starts neither rabbitmq-server nor cinder-api; it is removed after the install"
else
  echo "openstack: /usr/sbin/policy-rc.d exists already ($(tr '\n' ' ' </usr/sbin/policy-rc.d | cut -c1-60)); kept as it is"
fi
echo "openstack: installing$missing"
export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q || echo "openstack: apt-get update failed; trying the install with the lists at hand" >&2
"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends --no-upgrade \
  -o DPkg::Lock::Timeout=600 $missing
echo "openstack: installed$missing in $(($(date +%s) - start)) s"
