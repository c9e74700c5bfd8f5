package io.stepwise.example.http;

import io.stepwise.example.TestDatabases;

/** The HTTP API's contract on H2. */
class RestockApiH2Test extends RestockApiContractTest {

  @Override
  protected String newDatabaseUrl() {
    return TestDatabases.h2();
  }
}
