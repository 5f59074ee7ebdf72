#!/usr/bin/env bash
# Runs the test suite on SQLite and, when DATABASE_URL points at PostgreSQL, again on it.
# REQUIRE_POSTGRES=1 (set by CI) makes a missing or unreachable PostgreSQL a failure.
set -euo pipefail
cd "$(dirname "$0")/.."
export DJANGO_ENV=test
# pytest-xdist spreads the tests over every core; PYTEST_WORKERS=0 runs them in one process.
pytest=(.venv/bin/pytest -q -p no:randomly -n "${PYTEST_WORKERS:-auto}" --dist loadgroup)

echo "==> Tests on SQLite"
env -u DATABASE_URL "${pytest[@]}" "$@"

if [[ "${DATABASE_URL:-}" == postgres* ]]; then
  echo "==> Tests on PostgreSQL (${DATABASE_URL%%\?*})"
  "${pytest[@]}" -m "not browser" "$@"
elif [[ "${REQUIRE_POSTGRES:-0}" == "1" ]]; then
  echo "REQUIRE_POSTGRES=1 but DATABASE_URL does not point at PostgreSQL" >&2
  exit 1
else
  echo "==> PostgreSQL run skipped: DATABASE_URL is not set to a postgres:// URL"
fi
