package io.stepwise.jdbc;

import io.stepwise.runtime.store.InMemoryRunStore;
import io.stepwise.runtime.store.RunStore;

/** The store contract, on {@link InMemoryRunStore} (which lives in stepwise-runtime). */
class InMemoryRunStoreTest extends RunStoreContract {
  private InMemoryRunStore current;

  /** One store per test: a second call gives the same instance, the only one that holds its record. */
  @Override
  protected RunStore open() {
    if (current == null) {
      current = new InMemoryRunStore();
    }
    return current;
  }
}
