#!/usr/bin/env bash
# A PostgreSQL streaming replica of the CI cluster, for tests/test_read_replica.py (and
# .ci/run): pg_basebackup into a temporary folder, started with pg_ctl as postgres.
#
#   scripts/replica.sh start [PORT]   prints the replica's folder (default port 5433)
#   scripts/replica.sh stop DIR
#
# The primary (127.0.0.1:5432) must accept replication connections from 127.0.0.1:
# `start` adds "host replication all 127.0.0.1/32 trust" to its pg_hba.conf when no
# replication line for 127.0.0.1 is there and reloads it (a reload, never a restart:
# other sessions keep running). wal_level=replica and max_wal_senders>0 are the
# defaults; `start` refuses if they were changed.
set -euo pipefail
PRIMARY_HOST=${PRIMARY_HOST:-127.0.0.1}
PRIMARY_PORT=${PRIMARY_PORT:-5432}
psql_primary() { psql -h "$PRIMARY_HOST" -p "$PRIMARY_PORT" -U postgres -Atq "$@"; }
bindir=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)

case "${1:-}" in
start)
  port=${2:-5433}
  level=$(psql_primary -c "show wal_level")
  senders=$(psql_primary -c "show max_wal_senders")
  if [[ "$level" == minimal || "$senders" == 0 ]]; then
    echo "the primary has wal_level=$level, max_wal_senders=$senders: no replica possible" >&2
    exit 1
  fi
  hba=$(psql_primary -c "show hba_file")
  if ! grep -Eq '^[[:space:]]*host[[:space:]]+replication[[:space:]]+[^[:space:]]+[[:space:]]+(127\.0\.0\.1/32|all)[[:space:]]' "$hba"; then
    printf '\n# Added by yizhan scripts/replica.sh: streaming replicas on this machine.\nhost replication all 127.0.0.1/32 trust\n' >> "$hba"
    psql_primary -c "select pg_reload_conf()" >/dev/null
    echo "added a replication line for 127.0.0.1 to $hba and reloaded" >&2
  fi
  dir=$(mktemp -d /tmp/yizhan-replica-XXXXXX)
  chown postgres: "$dir" && chmod 700 "$dir"
  runuser -u postgres -- "$bindir/pg_basebackup" -h "$PRIMARY_HOST" -p "$PRIMARY_PORT" -U postgres \
    -D "$dir/data" -X stream -R -c fast
  # Debian keeps the configuration outside the data folder: the replica gets its own.
  cat > "$dir/data/postgresql.conf" <<CONF
port = $port
listen_addresses = '127.0.0.1'
unix_socket_directories = '$dir'
hot_standby = on
# A hot standby needs at least the primary's connection and worker limits.
max_connections = $(psql_primary -c "show max_connections")
max_worker_processes = $(psql_primary -c "show max_worker_processes")
max_wal_senders = $(psql_primary -c "show max_wal_senders")
max_locks_per_transaction = $(psql_primary -c "show max_locks_per_transaction")
max_prepared_transactions = $(psql_primary -c "show max_prepared_transactions")
shared_buffers = 32MB
# Replica lag is simulated with pg_wal_replay_pause(); queries never wait on replay.
max_standby_streaming_delay = -1
CONF
  printf 'local all all trust\nhost all all 127.0.0.1/32 trust\n' > "$dir/data/pg_hba.conf"
  : > "$dir/data/pg_ident.conf"
  chown postgres: "$dir/data/postgresql.conf" "$dir/data/pg_hba.conf" "$dir/data/pg_ident.conf"
  runuser -u postgres -- "$bindir/pg_ctl" -D "$dir/data" -l "$dir/log" -w -t 60 start >/dev/null
  echo "$dir"
  ;;
stop)
  dir=${2:?usage: scripts/replica.sh stop DIR}
  [[ "$dir" == /tmp/yizhan-replica-* ]] || { echo "not a replica folder: $dir" >&2; exit 1; }
  runuser -u postgres -- "$bindir/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null || true
  rm -rf "$dir"
  ;;
*)
  echo "usage: scripts/replica.sh start [PORT] | stop DIR" >&2
  exit 2
  ;;
esac
