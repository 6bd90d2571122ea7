#!/usr/bin/env bash
# Installs everything a fresh Debian 12 machine with Node 20 needs to run and test the extension:
# Debian packages (Chromium for the UI tests, build headers for code-server's native modules),
# the npm dependencies (npm ci), and code-server 4.100.3 (a real VS Code, used where no desktop
# VS Code can be downloaded). Idempotent: what is already there is skipped.
# Needs only the npm registry and Debian's apt repositories.
set -euo pipefail
cd "$(dirname "$0")/.."
start=$SECONDS
step() { echo "=== setup: $* ($((SECONDS - start)) s)"; }

SUDO=""
if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi

# chromium: UI tests + the integration launcher; ripgrep: seeds @vscode/ripgrep (offline);
# libkrb5-dev pkg-config libx11-dev libxkbfile-dev libsecret-1-dev: code-server's native modules;
# xvfb xauth: only for a desktop VS Code (VSCODE_EXECUTABLE) run under xvfb-run;
# make g++ python3: node-gyp.
APT_PACKAGES="chromium xvfb xauth ripgrep libkrb5-dev pkg-config libx11-dev libxkbfile-dev libsecret-1-dev make g++ python3"
missing=""
for p in $APT_PACKAGES; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
  step "apt-get install$missing"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -q
  $SUDO apt-get install -y -q $missing
else
  step "Debian packages already installed"
fi

step "npm ci"
npm_config_yes=true npm ci --no-audit --no-fund

step "code-server"
node scripts/install-code-server.mjs

step "OpenStack (Keystone, Cinder, RabbitMQ) from Debian's packages, for the OpenStack tests"
bash scripts/openstack/install.sh
step "ready"
