#!/usr/bin/env bash
# A local cluster on loopback: N node processes with nginx in front, and a clean stop.
#   scripts/cluster.sh start [N] [--lb-port 6001] [--config FILE]
#   scripts/cluster.sh status
#   scripts/cluster.sh stop
# Node i listens on 127.0.0.1:610i (HTTP/WebSockets) and 127.0.0.1:410i (cluster); nginx on --lb-port.
set -euo pipefail
cd "$(dirname "$0")/.."
run=.run/cluster
dll=src/Node/bin/Debug/net10.0/Broadcaster.Node.dll

start() {
  local n=3 lb=6001 config=""
  while [ $# -gt 0 ]; do
    case "$1" in
      --lb-port) lb=$2; shift 2 ;;
      --config) config=$2; shift 2 ;;
      *) n=$1; shift ;;
    esac
  done
  [ -e "$run/nginx.pid" ] && { echo "already running (scripts/cluster.sh stop first)"; exit 1; }
  command -v nginx >/dev/null || bash scripts/install-test-deps.sh
  [ -f "$dll" ] || dotnet build Cluster.sln -nologo -v quiet
  mkdir -p "$run"
  # Every node lists every node as a seed, in the same order (see README: Running a cluster).
  local seeds=""
  for i in $(seq 1 "$n"); do seeds="$seeds --seed 127.0.0.1:$((4100 + i))"; done
  for i in $(seq 1 "$n"); do
    # shellcheck disable=SC2086
    nohup dotnet "$dll" serve --host 127.0.0.1 --port $((6100 + i)) --cluster-port $((4100 + i)) $seeds \
      ${config:+--config "$config"} >"$run/node-$i.log" 2>&1 &
    echo $! >"$run/node-$i.pid"
  done
  {
    echo "daemon off; pid $PWD/$run/nginx.pid; error_log $PWD/$run/nginx-error.log;"
    echo "events {} http { access_log off; client_body_temp_path $PWD/$run; proxy_temp_path $PWD/$run;"
    echo "upstream broadcaster {"
    for i in $(seq 1 "$n"); do echo "  server 127.0.0.1:$((6100 + i)) max_fails=1 fail_timeout=2s;"; done
    echo "}"
    echo "map \$http_upgrade \$connection_upgrade { default upgrade; '' close; }"
    echo "server { listen 127.0.0.1:$lb; location / { proxy_pass http://broadcaster; proxy_http_version 1.1;"
    echo "  proxy_set_header Upgrade \$http_upgrade; proxy_set_header Connection \$connection_upgrade;"
    echo "  proxy_set_header Host \$host; proxy_read_timeout 180s; proxy_next_upstream error timeout http_502 http_503; } } }"
  } >"$run/nginx.conf"
  nohup nginx -c "$PWD/$run/nginx.conf" -p "$PWD/$run" >"$run/nginx.log" 2>&1 &
  for i in $(seq 1 "$n"); do
    for _ in $(seq 1 60); do
      dotnet "$dll" probe --port $((6100 + i)) >/dev/null 2>&1 && break
      sleep 0.5
    done
  done
  status
  echo "load balancer: ws://127.0.0.1:$lb/app/<key> and http://127.0.0.1:$lb/apps/<id>/..."
}

status() {
  for pid in "$run"/node-*.pid; do
    [ -e "$pid" ] || continue
    local i=${pid##*node-}; i=${i%.pid}
    printf 'node %s (pid %s): ' "$i" "$(cat "$pid")"
    dotnet "$dll" probe --port $((6100 + i)) 2>/dev/null || echo "not ready"
  done
}

stop() {
  [ -e "$run/nginx.pid" ] && kill "$(cat "$run/nginx.pid")" 2>/dev/null || true
  for pid in "$run"/node-*.pid; do
    [ -e "$pid" ] && kill -TERM "$(cat "$pid")" 2>/dev/null || true
  done
  for pid in "$run"/node-*.pid; do
    [ -e "$pid" ] || continue
    for _ in $(seq 1 40); do kill -0 "$(cat "$pid")" 2>/dev/null || break; sleep 0.5; done
    kill -KILL "$(cat "$pid")" 2>/dev/null || true
    rm -f "$pid"
  done
  rm -f "$run/nginx.pid"
  echo "stopped"
}

cmd=${1:-}; shift || true
case "$cmd" in
  start) start "$@" ;;
  status) status ;;
  stop) stop ;;
  *) echo "usage: scripts/cluster.sh start [N] [--lb-port P] [--config FILE] | status | stop"; exit 2 ;;
esac
