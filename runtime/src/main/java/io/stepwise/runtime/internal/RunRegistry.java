package io.stepwise.runtime.internal;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The runs of one runner that are in progress, so that they can be cancelled; and the transaction
 * ids of runs that {@code runAsync} has queued on an executor but that have not started yet, so
 * that a cancel right after {@code runAsync} is not lost. Not API.
 */
public final class RunRegistry {
  private final Set<Execution> active = ConcurrentHashMap.newKeySet();
  /** Queued runs by transaction id, each with whether a cancel came for it before it started. */
  private final Map<String, AtomicBoolean> queued = new ConcurrentHashMap<>();

  /**
   * A run with this transaction id is queued: a cancel for it is kept until it starts ({@link
   * #add}), or until {@link #unqueue} when it never does.
   */
  Object queue(String transactionId) {
    AtomicBoolean token = new AtomicBoolean();
    queued.put(transactionId, token);
    return token;
  }

  /**
   * The queued run will not start (its executor refused it, or it failed first): forgets its entry,
   * and only its own (another run queued with the same id keeps its entry).
   */
  void unqueue(String transactionId, Object token) {
    queued.remove(transactionId, token);
  }

  void add(Execution run) {
    active.add(run);
    if (queued.isEmpty()) {
      return; // the common case: no runAsync with a given transaction id is waiting to start
    }
    AtomicBoolean cancelledWhileQueued = queued.remove(run.transactionId());
    if (cancelledWhileQueued != null && cancelledWhileQueued.get()) {
      run.cancel(); // stops before its first step
    }
  }

  void remove(Execution run) {
    active.remove(run);
  }

  /**
   * Asks every run in progress with this transaction id to stop after its current step and
   * compensate, and a queued one to stop before its first; returns whether there was one.
   */
  public boolean cancel(String transactionId) {
    boolean found = false;
    AtomicBoolean waiting = queued.get(transactionId);
    if (waiting != null) {
      waiting.set(true);
      found = true;
    }
    for (Execution run : active) {
      if (run.transactionId().equals(transactionId) && run.cancel()) {
        found = true;
      }
    }
    return found;
  }
}
