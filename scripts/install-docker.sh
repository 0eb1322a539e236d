#!/usr/bin/env bash
# Makes a Docker engine available for skiff's e2e tests: installs Debian's docker.io when the
# engine is missing, starts dockerd in the background when it is not answering, and waits for it.
# Idempotent: on a machine with a running engine it only checks `docker info`.
set -euo pipefail

WAIT_SECONDS="${DOCKER_WAIT_SECONDS:-60}"
LOG="${DOCKERD_LOG:-/tmp/dockerd.log}"

die() { printf 'install-docker: %s\n' "$*" >&2; exit 1; }

engine_up() { docker info >/dev/null 2>&1; }

# Check for the daemon, not the client: some machines ship a static `docker` client alone.
install_engine() {
  if command -v dockerd >/dev/null && command -v docker >/dev/null; then return; fi
  [ "$(id -u)" = 0 ] || die "Docker is not installed; run as root or install it: apt-get install docker.io"
  echo "install-docker: installing docker.io"
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends docker.io
}

start_engine() {
  echo "install-docker: starting dockerd (log: $LOG)"
  # setsid detaches it from this script's session so it outlives the calling shell.
  setsid nohup dockerd >"$LOG" 2>&1 < /dev/null &
  echo $! > /tmp/dockerd.pid
}

wait_engine() {
  local deadline=$((SECONDS + WAIT_SECONDS))
  until engine_up; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      tail -n 20 "$LOG" >&2 2>/dev/null || true
      die "the Docker engine did not answer within ${WAIT_SECONDS}s (see $LOG)"
    fi
    sleep 0.5
  done
}

install_engine
if ! engine_up; then
  start_engine
  wait_engine
fi
echo "install-docker: $(docker version --format 'engine {{.Server.Version}}, client {{.Client.Version}}')"
