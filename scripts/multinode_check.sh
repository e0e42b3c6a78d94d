#!/usr/bin/env bash
# Several nodes, tested (issue 18): two gunicorn web nodes and two django-q2 cluster nodes
# started from the checked-in systemd units' ExecStart lines, each in its own working
# directory, one PostgreSQL, Redis and a local S3 server; a case played across them over
# HTTP (scripts/multinode.py says what). Run by .ci/run.
#
#   PG_URL=postgres://postgres@127.0.0.1:5432 scripts/multinode_check.sh
#
# Optional: MULTINODE_DB (default yizhan_multinode), REDIS_HOST_URL, MULTINODE_REDIS_DB
# (13), MULTINODE_PORT_BASE (18040: uses three ports from there), MULTINODE_TIME_LIMIT (240 s).
set -euo pipefail
cd "$(dirname "$0")/.."
exec timeout --kill-after=30 "$((${MULTINODE_TIME_LIMIT:-240} + 60))" .venv/bin/python scripts/multinode.py
