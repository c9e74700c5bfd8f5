package io.stepwise.example;

import io.stepwise.runtime.StepContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * What the workflow did, entry by entry, in the order it happened: each step and each compensation
 * records what it changed in the store (or why it failed), under the run's transaction id. Thread-safe;
 * many runs may record at once. In memory, like the rest of this console demo's store.
 */
public final class AuditTrail {

  /**
   * One entry.
   *
   * @param transactionId the run's transaction id
   * @param step the step's name
   * @param compensation whether the step's compensation recorded it, rather than the step
   * @param message what happened, for example {@code "created order ro_1"}
   */
  public record Entry(String transactionId, String step, boolean compensation, String message) {
    public Entry {
      Checks.nonBlank(transactionId, "transactionId");
      Checks.nonBlank(step, "step");
      Objects.requireNonNull(message, "message");
    }

    /** For example {@code "create-order: created order ro_1"} or {@code "compensate create-order: deleted order ro_2"}. */
    @Override
    public String toString() {
      return (compensation ? "compensate " : "") + step + ": " + message;
    }
  }

  private final ConcurrentLinkedQueue<Entry> entries = new ConcurrentLinkedQueue<>();

  /** Records what the step (or compensation) of {@code context} did. */
  public void record(StepContext context, String message) {
    entries.add(new Entry(context.transactionId(), context.stepName(), context.compensating(), message));
  }

  /** Every entry, oldest first. */
  public List<Entry> entries() {
    return List.copyOf(entries);
  }

  /** The entries of one run, oldest first. */
  public List<Entry> entries(String transactionId) {
    List<Entry> found = new ArrayList<>();
    for (Entry entry : entries) {
      if (entry.transactionId().equals(transactionId)) {
        found.add(entry);
      }
    }
    return List.copyOf(found);
  }
}
