package io.stepwise.it.durable;

import io.stepwise.runtime.store.InMemoryRunStore;
import io.stepwise.runtime.store.RunStore;

/** Manual retries that wait in memory, of durable runs on an {@link InMemoryRunStore}. */
class InMemoryManualRetryGroupTest extends ManualRetryGroupContract {
  private final InMemoryRunStore record = new InMemoryRunStore();

  @Override
  RunStore newStore() {
    return InMemoryRevertTest.onRecord(record);
  }
}
