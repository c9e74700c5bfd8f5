package io.stepwise.example;

/** The {@link SupplierService} contract on H2, in memory. */
class JdbcSupplierServiceH2Test extends JdbcSupplierServiceContractTest {

  @Override
  protected String newDatabaseUrl() {
    return TestDatabases.h2();
  }
}
