#!/usr/bin/env bash
# Installs system packages the end-to-end tests need (currently: nginx, for the cluster suite).
# Idempotent: does nothing when nginx is already on PATH. Never starts the system nginx service:
# the tests run their own nginx with a generated config in a temporary directory.
set -euo pipefail

if command -v nginx >/dev/null 2>&1; then
  echo "nginx already installed: $(command -v nginx)"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "install-test-deps: need root (or sudo) to install nginx" >&2
    exit 1
  fi
fi

export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq

pkg=nginx
candidate=$(apt-cache policy nginx-light 2>/dev/null | awk '/Candidate:/ { print $2 }')
if [ -n "$candidate" ] && [ "$candidate" != "(none)" ]; then pkg=nginx-light; fi

# policy-rc.d with exit 101 forbids invoke-rc.d from starting services during installation
# (containers without systemd would otherwise try to start the packaged nginx on port 80).
policy=/usr/sbin/policy-rc.d
created_policy=0
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' | $SUDO tee "$policy" >/dev/null
  $SUDO chmod +x "$policy"
  created_policy=1
fi
cleanup() { if [ "$created_policy" -eq 1 ]; then $SUDO rm -f "$policy"; fi; }
trap cleanup EXIT

$SUDO apt-get install -y -qq --no-install-recommends "$pkg"

# In case a service manager started it anyway, stop the system instance; the tests use their own.
if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet nginx 2>/dev/null; then
  $SUDO systemctl stop nginx || true
  $SUDO systemctl disable nginx >/dev/null 2>&1 || true
fi

command -v nginx >/dev/null 2>&1 || { echo "install-test-deps: nginx still not on PATH after installing $pkg" >&2; exit 1; }
echo "installed $pkg: $(nginx -v 2>&1)"
