package io.stepwise.example;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import javax.sql.DataSource;

/** The little JDBC plumbing of {@link JdbcSupplierService}. */
final class Jdbc {
  private Jdbc() {}

  /** Work done with a connection, inside a transaction. */
  @FunctionalInterface
  interface SqlWork<T> {
    T run(Connection connection) throws SQLException;
  }

  /**
   * Runs {@code work} in one transaction: commits if it returns, rolls back if it throws. A
   * {@link SQLException} becomes a {@link StoreException}, whose message is safe to show; anything
   * else (a {@link RestockException}, say) is thrown as it is.
   */
  static <T> T inTransaction(DataSource dataSource, SqlWork<T> work) {
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        T result = work.run(c);
        c.commit();
        return result;
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      }
    } catch (SQLException e) {
      throw new StoreException("the database failed", e);
    }
  }

  /** A statement with its parameters set; a {@code null} parameter is a text {@code NULL}. */
  static PreparedStatement prepare(Connection c, String sql, Object... parameters) throws SQLException {
    PreparedStatement statement = c.prepareStatement(sql);
    try {
      for (int i = 0; i < parameters.length; i++) {
        if (parameters[i] == null) {
          statement.setNull(i + 1, Types.VARCHAR); // only text columns are nullable
        } else {
          statement.setObject(i + 1, parameters[i]);
        }
      }
      return statement;
    } catch (SQLException e) {
      statement.close();
      throw e;
    }
  }

  /** Runs an INSERT, UPDATE or DELETE; returns how many rows it changed. */
  static int update(Connection c, String sql, Object... parameters) throws SQLException {
    try (PreparedStatement statement = prepare(c, sql, parameters)) {
      return statement.executeUpdate();
    }
  }
}
