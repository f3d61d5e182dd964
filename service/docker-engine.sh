#!/usr/bin/env bash
# Starts (start) or stops (stop) a local Docker engine the way this project's machines allow:
# no bridge network, no iptables or forwarding, containers on the host network only.
#
#   service/docker-engine.sh start|stop      (data under DOCKER_DATA_ROOT, default /var/lib/cnn-docker)
set -euo pipefail
data="${DOCKER_DATA_ROOT:-/var/lib/cnn-docker}"
pidfile="$data.pid"
case "${1:-}" in
  start)
    if docker info >/dev/null 2>&1; then
      echo "a Docker engine is already running"
      exit 0
    fi
    mkdir -p "$data"
    # a pid file left by an engine that was killed would stop the new one from starting
    if [ -f "$pidfile" ] && ! kill -0 "$(cat "$pidfile")" 2>/dev/null; then
      rm -f "$pidfile"
    fi
    nohup dockerd --bridge=none --iptables=false --ip-forward=false --ip-masq=false \
      --data-root "$data" --pidfile "$pidfile" >"$data.log" 2>&1 &
    for _ in $(seq 1 60); do
      docker info >/dev/null 2>&1 && { echo "Docker engine started"; exit 0; }
      sleep 1
    done
    tail -20 "$data.log" >&2
    exit 1
    ;;
  stop)
    if [ -f "$pidfile" ]; then
      kill "$(cat "$pidfile")" 2>/dev/null || true
      for _ in $(seq 1 30); do [ -f "$pidfile" ] || break; sleep 1; done
    fi
    pkill -x containerd 2>/dev/null || true
    ;;
  *)
    echo "usage: $0 start|stop" >&2
    exit 2
    ;;
esac
