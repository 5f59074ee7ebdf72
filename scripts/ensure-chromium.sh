#!/usr/bin/env bash
# Find a Chromium for the browser tests, installing one if none is found:
# Debian's package when we are root, otherwise Playwright's own build.
set -euo pipefail
for candidate in "${CHROMIUM_PATH:-}" /usr/bin/chromium /usr/bin/chromium-browser; do
  if [ -n "$candidate" ] && [ -x "$candidate" ]; then
    exit 0
  fi
done
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
  echo "==> Installing Debian's chromium for the browser tests"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
else
  echo "==> Installing Playwright's Chromium for the browser tests"
  .venv/bin/python -m playwright install chromium
fi
