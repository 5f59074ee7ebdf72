#!/usr/bin/env bash
# Find wrk, the load generator `make bench` uses (bench/wrk.lua), installing Debian's
# package when we are root. Without it the bench smoke test is skipped (CI requires it).
set -euo pipefail
if command -v wrk >/dev/null; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
  echo "==> Installing Debian's wrk for make bench"
  # Only make bench and its smoke test need it: a machine without the network warns, not stops.
  if ! (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null); then
    echo "==> Could not install wrk: make bench will not run here (the smoke test is skipped outside CI)"
  fi
else
  echo "==> wrk is not installed and cannot be installed here (not root): make bench needs it"
  echo "    (apt-get install wrk, or build it from https://github.com/wg/wrk)"
fi
