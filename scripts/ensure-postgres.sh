#!/usr/bin/env bash
# Make sure the PostgreSQL server named by the URL answers; start the local cluster if it is down.
set -euo pipefail
url="${1:?usage: ensure-postgres.sh postgres://user@host:port/db}"
if pg_isready -d "$url" -q 2>/dev/null; then exit 0; fi
if command -v pg_lsclusters >/dev/null 2>&1; then
  version=$(ls /etc/postgresql | sort -V | tail -n 1)
  pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
  for _ in $(seq 1 30); do pg_isready -d "$url" -q && exit 0; sleep 1; done
fi
echo "PostgreSQL does not answer at $url: start it, or set PG_TEST_URL." >&2
exit 1
