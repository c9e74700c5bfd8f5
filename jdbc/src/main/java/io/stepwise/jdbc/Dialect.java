package io.stepwise.jdbc;

import io.stepwise.runtime.store.RunStoreException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;

/** The databases JdbcRunStore runs on. They share the store's SQL; they differ in durability set-up. */
enum Dialect {
  H2,
  POSTGRESQL;

  static Dialect of(Connection connection) throws SQLException {
    String product = connection.getMetaData().getDatabaseProductName();
    if ("H2".equals(product)) {
      return H2;
    }
    if ("PostgreSQL".equals(product)) {
      return POSTGRESQL;
    }
    throw new RunStoreException("JdbcRunStore runs on H2 and PostgreSQL, but its DataSource connects to "
        + product + "; give it a DataSource of one of those");
  }

  /**
   * Makes each commit on {@code connection}'s database survive a killed process. PostgreSQL does that
   * already (it syncs each commit to disk with its default {@code synchronous_commit=on}). H2 2.x, by
   * default, writes a commit to its file only within {@code WRITE_DELAY} (500 ms) after it, so a
   * process killed in between loses transactions it had committed. On a database in files this reads
   * the settings in effect on every connection the writer opens, and runs {@code SET WRITE_DELAY 0}
   * (which needs admin rights) and {@code SET RETENTION_TIME} ({@link #H2_RETENTION_MILLIS}) where
   * they differ: H2
   * keeps the setting in the database, but does not apply it when it opens the database again (it
   * lists the kept value, 0, and runs with its default, 500). A user without admin rights (who may
   * not put {@code ;WRITE_DELAY=0} in the URL either) is accepted only if the database already runs
   * with 0 (an admin set it since it opened); else the store refuses to start, with the fix.
   */
  void ensureWriteThrough(Connection connection) throws SQLException {
    if (this != H2) {
      return;
    }
    String url = connection.getMetaData().getURL();
    if (url.startsWith("jdbc:h2:mem:")) {
      return;   // nothing of it outlives the process anyway
    }
    Map<String, Long> settings = h2Settings(connection);   // one query per connection, on the writer's path
    try (Statement statement = connection.createStatement()) {
      if (settings.getOrDefault(WRITE_DELAY, -1L) != 0) {   // a SET writes the database's settings: only when needed
        statement.execute("SET WRITE_DELAY 0");
      }
      if (settings.getOrDefault(RETENTION_TIME, -1L) < H2_RETENTION_MILLIS) {
        statement.execute("SET RETENTION_TIME " + H2_RETENTION_MILLIS);   // see H2_RETENTION_MILLIS
      }
    } catch (SQLException e) {
      long delay = h2Settings(connection).getOrDefault(WRITE_DELAY, -1L);
      if (delay == 0) {
        return;
      }
      throw new RunStoreException("The H2 database " + url + " writes commits to its file up to " + delay
          + " ms late (WRITE_DELAY " + delay + "), so a killed process would lose checkpoints that the store had "
          + "reported durable. JdbcRunStore sets WRITE_DELAY 0 each time it starts (H2 does not apply a kept value "
          + "when it opens the database again), but user " + connection.getMetaData().getUserName() + " may not ("
          + e.getMessage().lines().findFirst().orElse("") + "): give the store a DataSource whose user has admin "
          + "rights", e);
    }
  }

  private static final String WRITE_DELAY = "WRITE_DELAY";
  private static final String RETENTION_TIME = "RETENTION_TIME";

  /**
   * How long H2 keeps old chunks of its file before it writes over them ({@code RETENTION_TIME},
   * default 45 s): an hour, set when the database keeps them for less. Measured with H2 2.5.252
   * (jdbc's KilledSoonAfterOpeningTest, plain JDBC and through this store): a process killed within
   * about 60 ms of its first commits on a database that an earlier killed process left loses those
   * commits, although each had returned, in about one round in twenty; with old chunks kept for an
   * hour, 0 losses in 260 rounds. The cost is a file that reuses free space an hour later than it
   * would (a clean close compacts it).
   */
  static final long H2_RETENTION_MILLIS = 3_600_000;

  /**
   * The values H2 runs with of {@code WRITE_DELAY} and {@code RETENTION_TIME}, in one query.
   * INFORMATION_SCHEMA.SETTINGS lists a value kept in the database first (if one was set) and the
   * one in effect last, so the last row of each name wins.
   */
  private static Map<String, Long> h2Settings(Connection connection) throws SQLException {
    Map<String, Long> settings = new HashMap<>();
    try (Statement statement = connection.createStatement();
        ResultSet rs = statement.executeQuery("SELECT SETTING_NAME, SETTING_VALUE FROM INFORMATION_SCHEMA.SETTINGS"
            + " WHERE SETTING_NAME IN ('" + WRITE_DELAY + "', '" + RETENTION_TIME + "')")) {
      while (rs.next()) {
        settings.put(rs.getString(1), Long.parseLong(rs.getString(2).trim()));
      }
    }
    return settings;
  }

  /** Whether {@code e} is the violation of a unique key (SQLState 23505 on both databases). */
  static boolean isUniqueViolation(SQLException e) {
    for (SQLException x = e; x != null; x = x.getNextException()) {
      if ("23505".equals(x.getSQLState())) {
        return true;
      }
    }
    return false;
  }
}
