# Sourced by measure.sh and interleave.sh: a throwaway PostgreSQL cluster in the directory $D, on
# 127.0.0.1:$PGPORT, with the binaries in $PGBIN (Debian's postgresql package). Run as root: the
# cluster belongs to the postgres user.

# Creates the cluster in $D/data and starts it; its log is $D/postgres.log.
postgres_start() {
  chown postgres:postgres "$D"
  runuser -u postgres -- "$PGBIN/initdb" -D "$D/data" -U postgres -A trust -E UTF8 --no-locale >/dev/null
  runuser -u postgres -- "$PGBIN/pg_ctl" -D "$D/data" -l "$D/postgres.log" -w \
    -o "-p $PGPORT -k $D -c listen_addresses=127.0.0.1" start >/dev/null
}

# Stops the cluster (if it runs) and removes $D.
postgres_stop() {
  runuser -u postgres -- "$PGBIN/pg_ctl" -D "$D/data" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$D"
}
