package io.stepwise.benchmarks.durable;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * PostgreSQL's own counters for one database and its server: transactions committed and rows
 * written in the database ({@code pg_stat_database}), WAL records, bytes, writes and syncs (fsyncs)
 * of the whole server ({@code pg_stat_wal}, PostgreSQL 14+).
 *
 * <p>PostgreSQL 14 collects statistics asynchronously: a backend sends its counts at most every
 * 500 ms, and always when it exits; readers see the collector's file, up to 500 ms old. So
 * {@link #settled} waits until no connection to the database is left and then one second more,
 * and the benchmark closes every connection (pools, DBOS) before it reads the counters after a
 * measurement.
 */
record PgCounters(long commits, long rowsWritten, long walRecords, long walBytes, long walWrites, long walSyncs) {
  /** The counters now, read on {@code admin} (a connection to another database of the same server). */
  static PgCounters settled(Connection admin, String database) throws SQLException, InterruptedException {
    waitForNoConnections(admin, database);
    Thread.sleep(1_000);
    long commits;
    long rows;
    try (PreparedStatement ps = admin.prepareStatement(
        "SELECT xact_commit, tup_inserted + tup_updated + tup_deleted FROM pg_stat_database WHERE datname = ?")) {
      ps.setString(1, database);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        commits = rs.getLong(1);
        rows = rs.getLong(2);
      }
    }
    try (Statement s = admin.createStatement();
        ResultSet rs = s.executeQuery("SELECT wal_records, wal_bytes, wal_write, wal_sync FROM pg_stat_wal")) {
      rs.next();
      return new PgCounters(commits, rows, rs.getLong(1), rs.getBigDecimal(2).longValue(), rs.getLong(3),
          rs.getLong(4));
    }
  }

  PgCounters minus(PgCounters before) {
    return new PgCounters(commits - before.commits, rowsWritten - before.rowsWritten, walRecords - before.walRecords,
        walBytes - before.walBytes, walWrites - before.walWrites, walSyncs - before.walSyncs);
  }

  private static void waitForNoConnections(Connection admin, String database)
      throws SQLException, InterruptedException {
    long deadline = System.nanoTime() + 30_000_000_000L;
    try (PreparedStatement ps = admin.prepareStatement("SELECT count(*) FROM pg_stat_activity WHERE datname = ?")) {
      ps.setString(1, database);
      while (true) {
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          if (rs.getLong(1) == 0) {
            return;
          }
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("connections to " + database + " are still open after 30 s: something "
              + "measured did not close its pool, so PostgreSQL has not counted all of its work yet");
        }
        Thread.sleep(50);
      }
    }
  }
}
