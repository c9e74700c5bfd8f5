package io.stepwise.jdbc;

import io.stepwise.runtime.store.RunStoreException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store's tables, named with a prefix, and their versions. The store creates and upgrades them
 * itself, with the same SQL on H2 and PostgreSQL; {@code <prefix>schema_version} lists each version
 * applied. Every statement of a migration is idempotent ({@code IF NOT EXISTS}), so that processes
 * that start together on an empty database may all run it: a statement that loses a race (PostgreSQL
 * can report a duplicate in its catalogue when two {@code CREATE TABLE IF NOT EXISTS} meet) is tried
 * again, and finds its work done.
 *
 * <pre>
 * &lt;prefix&gt;runs         one row per run: the header, the input, the end (result, errors), the lease
 * &lt;prefix&gt;checkpoints  one row per checkpoint, keyed by (transaction_id, seq)
 * </pre>
 */
final class Schema {
  /** The version this code writes and reads. */
  static final int VERSION = 1;

  private static final Logger log = LoggerFactory.getLogger(Schema.class);
  private static final Pattern PREFIX = Pattern.compile("[a-z][a-z0-9_]{0,29}");
  private static final int TRIES = 5;

  final String runs;
  final String checkpoints;
  final String versions;

  Schema(String prefix) {
    if (!PREFIX.matcher(prefix).matches()) {
      throw new IllegalArgumentException("table prefix '" + prefix + "' must be a lower-case letter followed by at "
          + "most 29 lower-case letters, digits and underscores, such as 'stepwise_'");
    }
    this.runs = prefix + "runs";
    this.checkpoints = prefix + "checkpoints";
    this.versions = prefix + "schema_version";
  }

  /** The statements that bring the tables from version {@code version - 1} to {@code version}. */
  private List<String> migration(int version) {
    if (version == 1) {
      return List.of(
          "CREATE TABLE IF NOT EXISTS " + runs + " ("
              + "transaction_id VARCHAR(255) NOT NULL PRIMARY KEY, "
              + "workflow_name VARCHAR(255) NOT NULL, "
              + "fingerprint VARCHAR(255) NOT NULL, "
              + "parent_transaction_id VARCHAR(255), "
              + "status VARCHAR(16) NOT NULL, "
              + "input_json TEXT, "
              + "deadline TIMESTAMP WITH TIME ZONE, "
              + "result_json TEXT, "
              + "errors_json TEXT, "
              + "created_at TIMESTAMP WITH TIME ZONE NOT NULL, "
              + "updated_at TIMESTAMP WITH TIME ZONE NOT NULL, "
              + "ended_at TIMESTAMP WITH TIME ZONE, "
              + "lease_owner VARCHAR(255), "
              + "lease_until TIMESTAMP WITH TIME ZONE)",
          "CREATE INDEX IF NOT EXISTS " + runs + "_by_workflow ON " + runs + " (workflow_name, status, created_at)",
          "CREATE INDEX IF NOT EXISTS " + runs + "_by_created ON " + runs + " (created_at)",
          "CREATE INDEX IF NOT EXISTS " + runs + "_by_ended ON " + runs + " (ended_at)",
          "CREATE TABLE IF NOT EXISTS " + checkpoints + " ("
              + "transaction_id VARCHAR(255) NOT NULL, "
              + "seq INTEGER NOT NULL, "
              + "step_position INTEGER NOT NULL, "
              + "step_name VARCHAR(255) NOT NULL, "
              + "kind VARCHAR(32) NOT NULL, "
              + "attempts INTEGER NOT NULL, "
              + "output_json TEXT, "
              + "compensation_input_json TEXT, "
              + "error_type VARCHAR(1000), "
              + "error_message TEXT, "
              + "started_at TIMESTAMP WITH TIME ZONE NOT NULL, "
              + "ended_at TIMESTAMP WITH TIME ZONE NOT NULL, "
              + "PRIMARY KEY (transaction_id, seq))");
    }
    throw new IllegalArgumentException("no migration to schema version " + version);
  }

  /** Creates the tables, or upgrades them to {@link #VERSION}; {@code connection} is in auto-commit. */
  void ensure(Connection connection) throws SQLException {
    execute(connection, "CREATE TABLE IF NOT EXISTS " + versions + " ("
        + "version INTEGER NOT NULL PRIMARY KEY, applied_at TIMESTAMP WITH TIME ZONE NOT NULL)");
    int current = version(connection);
    if (current > VERSION) {
      throw new RunStoreException("The tables " + runs + " and " + checkpoints + " are at schema version " + current
          + ", newer than this stepwise-jdbc knows (" + VERSION + "); use the stepwise-jdbc that upgraded them, "
          + "or another table prefix");
    }
    for (int version = current + 1; version <= VERSION; version++) {
      for (String statement : migration(version)) {
        execute(connection, statement);
      }
      try (PreparedStatement insert = connection.prepareStatement("INSERT INTO " + versions
          + " (version, applied_at) VALUES (?, ?)")) {
        insert.setInt(1, version);
        insert.setObject(2, OffsetDateTime.now(ZoneOffset.UTC));
        insert.executeUpdate();
        log.info("Created the run store's tables {} and {} at schema version {}", runs, checkpoints, version);
      } catch (SQLException e) {
        if (!Dialect.isUniqueViolation(e)) {
          throw e;
        }
        // another process applied this version at the same time
      }
    }
  }

  /** The highest schema version applied; 0 for none. */
  int version(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet rs = statement.executeQuery("SELECT MAX(version) FROM " + versions)) {
      rs.next();
      return rs.getInt(1);
    }
  }

  private static void execute(Connection connection, String sql) throws SQLException {
    for (int attempt = 1; ; attempt++) {
      try (Statement statement = connection.createStatement()) {
        statement.execute(sql);
        return;
      } catch (SQLException e) {
        if (attempt == TRIES) {
          throw e;
        }
        log.debug("Schema statement failed (attempt {}), trying again: {}", attempt, e.getMessage());
        try {
          Thread.sleep(20L * attempt);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw e;
        }
      }
    }
  }
}
