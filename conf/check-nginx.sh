#!/usr/bin/env bash
# Checks conf/nginx.conf with the local nginx (Debian's `nginx`), without Docker: the compose
# service names are swapped for 127.0.0.1 so that the upstreams resolve.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v nginx >/dev/null || { echo "nginx is not installed; skipping the check"; exit 0; }
dir="$(mktemp -d)"
trap 'rm -rf "$dir"' EXIT
sed -e 's/chat-api-[0-9]:8080/127.0.0.1:8080/' conf/nginx.conf > "$dir/nginx.conf"
mkdir -p "$dir/logs"
nginx -t -p "$dir" -c "$dir/nginx.conf" -g "pid $dir/nginx.pid; error_log $dir/logs/error.log;"
