#!/usr/bin/env bash
# Installs the system packages the end-to-end tests need, from Debian's archive:
#   nginx       (nginx-light when available) load balancer / TLS-terminating proxy of the cluster and proxy suites
#   supervisord (supervisor)                 the rolling-restart suite runs the nodes under a real supervisord
#   caddy       (caddy)                      the reverse-proxy suite
#   openssl     (openssl)                    test certificates for the TLS and proxy suites
#   chromium    (chromium)                   the dashboard suite drives the page in headless Chromium (playwright-core)
#   sqlite3     (sqlite3)                    the statistics suite checks the database with the sqlite3 CLI
# Idempotent: installs only what is missing from PATH, and does nothing when everything is there.
# Never starts (or leaves running) the packaged system services: the tests run their own instances with
# generated configs in temporary directories.
set -euo pipefail

# command on PATH -> Debian package providing it
declare -A wanted=([nginx]=nginx [supervisord]=supervisor [caddy]=caddy [openssl]=openssl [chromium]=chromium [sqlite3]=sqlite3)
# packages that bring a system service the tests must not leave running
declare -A has_service=([nginx]=1 [supervisord]=1 [caddy]=1)

on_path() { PATH="$PATH:/usr/sbin:/usr/local/sbin" command -v "$1" >/dev/null 2>&1; }

missing=()
for cmd in nginx supervisord caddy openssl chromium sqlite3; do
  if on_path "$cmd"; then
    echo "$cmd already installed: $(PATH="$PATH:/usr/sbin:/usr/local/sbin" command -v "$cmd")"
  else
    missing+=("$cmd")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "install-test-deps: need root (or sudo) to install ${missing[*]}" >&2
    exit 1
  fi
fi

export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq

pkgs=()
services=()
for cmd in "${missing[@]}"; do
  pkg=${wanted[$cmd]}
  if [ "$cmd" = nginx ]; then
    candidate=$(apt-cache policy nginx-light 2>/dev/null | awk '/Candidate:/ { print $2 }')
    if [ -n "$candidate" ] && [ "$candidate" != "(none)" ]; then pkg=nginx-light; fi
  fi
  pkgs+=("$pkg")
  if [ -n "${has_service[$cmd]:-}" ]; then services+=("${wanted[$cmd]}"); fi
done

# policy-rc.d with exit 101 forbids invoke-rc.d from starting services during installation
# (containers without systemd would otherwise try to start the packaged nginx on port 80, supervisord
# with /etc/supervisor/supervisord.conf, caddy on port 80).
policy=/usr/sbin/policy-rc.d
created_policy=0
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' | $SUDO tee "$policy" >/dev/null
  $SUDO chmod +x "$policy"
  created_policy=1
fi
cleanup() { if [ "$created_policy" -eq 1 ]; then $SUDO rm -f "$policy"; fi; }
trap cleanup EXIT

$SUDO apt-get install -y -qq --no-install-recommends "${pkgs[@]}"

# In case a service manager started one anyway, stop the system instance; the tests use their own.
for svc in ${services[@]+"${services[@]}"}; do
  if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet "$svc" 2>/dev/null; then
    $SUDO systemctl stop "$svc" || true
    $SUDO systemctl disable "$svc" >/dev/null 2>&1 || true
  elif [ -x "/etc/init.d/$svc" ] && "/etc/init.d/$svc" status >/dev/null 2>&1; then
    $SUDO "/etc/init.d/$svc" stop >/dev/null 2>&1 || true
  fi
done

for cmd in "${missing[@]}"; do
  on_path "$cmd" || { echo "install-test-deps: $cmd still not on PATH after installing ${pkgs[*]}" >&2; exit 1; }
done
echo "installed ${pkgs[*]}"
