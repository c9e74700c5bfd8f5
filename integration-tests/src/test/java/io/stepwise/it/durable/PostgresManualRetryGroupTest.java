package io.stepwise.it.durable;

import io.stepwise.jdbc.JdbcRunStore;
import io.stepwise.runtime.store.RunStore;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Manual retries that wait in memory, of durable runs on a {@link JdbcRunStore} over PostgreSQL (the
 * embedded server of {@link PostgresRevertTest}), each test with tables of its own.
 */
class PostgresManualRetryGroupTest extends ManualRetryGroupContract {
  private static final AtomicInteger TESTS = new AtomicInteger();
  private final String prefix = "manualgroup" + TESTS.incrementAndGet() + "_";

  @Override
  RunStore newStore() {
    return JdbcRunStore.builder(PostgresRevertTest.database()).tablePrefix(prefix).build();
  }
}
