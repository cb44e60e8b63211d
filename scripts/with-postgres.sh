#!/usr/bin/env bash
# Run a command with DATABASE_URL pointing at the local PostgreSQL.
# SIFA_TEST_POSTGRES=required (set by .ci/run) turns an unreachable server into a failure;
# otherwise the PostgreSQL run is skipped with a notice.
set -uo pipefail
url="$1"; shift
if ! .venv/bin/python - "$url" <<'PY'
import sys
import psycopg
try:
    psycopg.connect(sys.argv[1].rsplit("/", 1)[0] + "/postgres", connect_timeout=3).close()
except Exception as exc:
    print(f"PostgreSQL unreachable: {exc}", file=sys.stderr)
    sys.exit(1)
PY
then
  if [ "${SIFA_TEST_POSTGRES:-}" = "required" ]; then
    echo "SIFA_TEST_POSTGRES=required but PostgreSQL at $url is unreachable" >&2
    exit 1
  fi
  echo "PostgreSQL not reachable: skipping the PostgreSQL run (set SIFA_TEST_POSTGRES=required to fail instead)"
  exit 0
fi
DATABASE_URL="$url" exec "$@"
