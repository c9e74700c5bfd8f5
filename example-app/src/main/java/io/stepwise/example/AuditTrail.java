package io.stepwise.example;

import io.stepwise.runtime.StepContext;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Objects;

/**
 * What the workflow did, entry by entry, in the order it happened: each step and each compensation
 * records what it changed in the store (or why it failed), under the run's transaction id. Thread-safe;
 * many runs may record at once.
 *
 * <p>In memory, and bounded: a trail keeps its newest {@link #DEFAULT_CAPACITY} entries (or the
 * capacity it was created with) and drops older ones, so that a service that takes orders for months
 * does not grow without end. It is a window for the demo and for tests; what a run did is recorded
 * durably by the engine, as the run's timeline ({@code GET /admin/workflows/executions/{id}}).
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

  /** How many entries a trail keeps unless it is created with another capacity: the newest. */
  public static final int DEFAULT_CAPACITY = 10_000;

  private final int capacity;
  /** Oldest first; guarded by {@code this}. */
  private final ArrayDeque<Entry> entries = new ArrayDeque<>();

  /** A trail that keeps the newest {@link #DEFAULT_CAPACITY} entries. */
  public AuditTrail() {
    this(DEFAULT_CAPACITY);
  }

  /** A trail that keeps the newest {@code capacity} entries. */
  public AuditTrail(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be at least 1, was " + capacity);
    }
    this.capacity = capacity;
  }

  /** Records what the step (or compensation) of {@code context} did; drops the oldest entry if the trail is full. */
  public void record(StepContext context, String message) {
    Entry entry = new Entry(context.transactionId(), context.stepName(), context.compensating(), message);
    synchronized (this) {
      if (entries.size() == capacity) {
        entries.removeFirst();
      }
      entries.addLast(entry);
    }
  }

  /** Every entry kept, oldest first. */
  public synchronized List<Entry> entries() {
    return List.copyOf(entries);
  }

  /** The entries kept of one run, oldest first. */
  public synchronized List<Entry> entries(String transactionId) {
    return entries.stream().filter(entry -> entry.transactionId().equals(transactionId)).toList();
  }
}
