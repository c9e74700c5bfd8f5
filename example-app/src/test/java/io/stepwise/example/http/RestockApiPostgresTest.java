package io.stepwise.example.http;

import io.stepwise.example.TestDatabases;

/** The HTTP API's contract on PostgreSQL (embedded, see {@link TestDatabases}). */
class RestockApiPostgresTest extends RestockApiContractTest {

  @Override
  protected String newDatabaseUrl() {
    return TestDatabases.postgres();
  }
}
