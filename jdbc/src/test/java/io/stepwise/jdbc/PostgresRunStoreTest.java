package io.stepwise.jdbc;

import javax.sql.DataSource;

/** The store contract on PostgreSQL (an embedded server). */
class PostgresRunStoreTest extends JdbcRunStoreContract {
  @Override
  protected DataSource dataSource() {
    return TestDatabases.postgres();
  }
}
