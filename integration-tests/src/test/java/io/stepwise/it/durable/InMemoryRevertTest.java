package io.stepwise.it.durable;

import io.stepwise.runtime.store.ForwardingRunStore;
import io.stepwise.runtime.store.InMemoryRunStore;
import io.stepwise.runtime.store.RunStore;

/** Reverting runs on an {@link InMemoryRunStore}: each "process" sees the one record of the test. */
class InMemoryRevertTest extends RevertContract {
  private final InMemoryRunStore record = new InMemoryRunStore();

  @Override
  RunStore newStore() {
    return onRecord(record);
  }

  /** A store on {@code record} whose close leaves the record, as a database outlives the engine that closes. */
  static RunStore onRecord(InMemoryRunStore record) {
    return new ForwardingRunStore(record) {
      @Override
      public void close() {
        // the record outlives the engine that closes, as a database does
      }
    };
  }
}
