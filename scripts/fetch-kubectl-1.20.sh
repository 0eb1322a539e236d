#!/usr/bin/env bash
# Extracts Debian's kubectl (package `kubernetes-client`, 1.20) into .tmp/kubectl-1.20/ without
# installing it: a system-wide install would replace the kubectl on PATH. Idempotent.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dest="$root/.tmp/kubectl-1.20"
bin="$dest/usr/bin/kubectl"

if [[ -x "$bin" ]]; then
  echo "kubectl 1.20 already at $bin"
  exit 0
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# apt drops privileges to _apt for downloads: let it write here.
if [[ $EUID -eq 0 ]] && id _apt >/dev/null 2>&1; then chown _apt "$work"; fi

echo "downloading kubernetes-client into $work"
(cd "$work" && apt-get download kubernetes-client)
deb="$(ls "$work"/kubernetes-client_*.deb)"

echo "extracting $(basename "$deb") into $dest"
rm -rf "$dest.partial"
mkdir -p "$dest.partial"
dpkg -x "$deb" "$dest.partial"
rm -rf "$dest"
mv "$dest.partial" "$dest"
"$bin" version --client
