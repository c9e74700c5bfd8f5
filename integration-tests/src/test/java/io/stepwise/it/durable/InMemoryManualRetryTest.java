package io.stepwise.it.durable;

import io.stepwise.runtime.store.InMemoryRunStore;
import io.stepwise.runtime.store.RunStore;

/** Manual retries of durable runs on an {@link InMemoryRunStore}: each "process" sees the one record of the test. */
class InMemoryManualRetryTest extends ManualRetryContract {
  private final InMemoryRunStore record = new InMemoryRunStore();

  @Override
  RunStore newStore() {
    return InMemoryRevertTest.onRecord(record);
  }
}
