package io.stepwise.example;

/** The {@link SupplierService} contract on PostgreSQL (embedded, see {@link TestDatabases}). */
class JdbcSupplierServicePostgresTest extends JdbcSupplierServiceContractTest {

  @Override
  protected String newDatabaseUrl() {
    return TestDatabases.postgres();
  }
}
