package io.stepwise.runtime.internal;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** The runs of one runner that are in progress, so that they can be cancelled. Not API. */
public final class RunRegistry {
  private final Set<WorkflowRun> active = ConcurrentHashMap.newKeySet();

  void add(WorkflowRun run) {
    active.add(run);
  }

  void remove(WorkflowRun run) {
    active.remove(run);
  }

  /**
   * Asks every run in progress with this transaction id to stop after its current step and
   * compensate; returns whether there was one.
   */
  public boolean cancel(String transactionId) {
    boolean found = false;
    for (WorkflowRun run : active) {
      if (run.transactionId().equals(transactionId) && run.cancel()) {
        found = true;
      }
    }
    return found;
  }
}
