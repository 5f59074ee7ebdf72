#!/usr/bin/env bash
# Find wrk, the load generator `make bench` uses (bench/wrk.lua), installing Debian's
# package when we are root. Without it the bench smoke test is skipped (CI requires it).
set -euo pipefail
if command -v wrk >/dev/null; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
  echo "==> Installing Debian's wrk for make bench"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
else
  echo "==> wrk is not installed and cannot be installed here (not root): make bench needs it"
  echo "    (apt-get install wrk, or build it from https://github.com/wg/wrk)"
fi
