package io.stepwise.example;

import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;

/**
 * A database for the transactional steps of {@link CreateRestockOrderWorkflow} when the orders are
 * kept in memory ({@link InMemorySupplierService}, a test's fake) and no run store is in a database.
 *
 * <p>create-order and create-items take a {@link java.sql.Connection}; a runner without a {@code
 * JdbcRunStore} takes it from the {@link DataSource} in its container, and refuses to run the step
 * without one. A store in memory writes nothing with the connection: this one is an empty H2
 * database in memory, private to each connection, gone when it closes.
 */
public final class InMemoryDatabase {
  private InMemoryDatabase() {}

  /** A {@link DataSource} of empty H2 databases in memory, one per connection. */
  public static DataSource dataSource() {
    JdbcDataSource dataSource = new JdbcDataSource();
    dataSource.setURL("jdbc:h2:mem:");
    return dataSource;
  }
}
