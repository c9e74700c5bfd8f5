package io.stepwise.example;

/**
 * The maintenance switch of a store: while writes are suspended, every write fails with a
 * {@link StoreUnavailableException} that gives the reason (see {@link SupplierService#suspendWrites(String)}).
 * Thread-safe: the switch is one volatile field, so a write that starts after {@link #suspend(String)}
 * returns sees it.
 */
final class WriteGate {
  /** Why writes are suspended, or null while they are accepted. */
  private volatile String writesSuspendedBecause;

  /** Suspends writes for {@code reason}, which must not be blank. */
  void suspend(String reason) {
    writesSuspendedBecause = Checks.nonBlank(reason, "reason");
  }

  /** Accepts writes again. */
  void resume() {
    writesSuspendedBecause = null;
  }

  /** Whether writes are suspended. */
  boolean suspended() {
    return writesSuspendedBecause != null;
  }

  /** Throws a {@link StoreUnavailableException} if writes are suspended. */
  void requireWritable() {
    String reason = writesSuspendedBecause;
    if (reason != null) {
      throw new StoreUnavailableException("the store accepts no writes at the moment: " + reason);
    }
  }
}
