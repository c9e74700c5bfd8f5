package io.stepwise.runtime.store;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A run as its store recorded it, with its values decoded to the Java types of the {@link
 * RunTypes} it was loaded with: header, input, checkpoints in sequence order, and the end once it
 * ended.
 */
public final class StoredRun {
  private final RunHeader header;
  private final Object input;
  private final List<Checkpoint> checkpoints;
  private final RunEnd end;

  /**
   * For store implementations.
   *
   * @param end null unless the run has ended
   */
  public StoredRun(RunHeader header, Object input, List<Checkpoint> checkpoints, RunEnd end) {
    this.header = Objects.requireNonNull(header, "header");
    this.input = input;
    this.checkpoints = List.copyOf(checkpoints);
    this.end = end;
    if (header.status().isEnded() != (end != null)) {
      throw new IllegalArgumentException("a run that is " + header.status() + " must " + (end == null ? "" : "not ")
          + "have an end");
    }
    for (int i = 1; i < this.checkpoints.size(); i++) {
      if (this.checkpoints.get(i - 1).sequence() >= this.checkpoints.get(i).sequence()) {
        throw new IllegalArgumentException("checkpoints must be in increasing sequence order");
      }
    }
  }

  public RunHeader header() {
    return header;
  }

  /** The header's transaction id. */
  public String transactionId() {
    return header.transactionId();
  }

  /** The header's status. */
  public RunStatus status() {
    return header.status();
  }

  /** The workflow's input (null for a workflow without input). */
  public Object input() {
    return input;
  }

  /** Every checkpoint of the run, in sequence order. */
  public List<Checkpoint> checkpoints() {
    return checkpoints;
  }

  /** The run's end: its result and errors, once it has ended. */
  public Optional<RunEnd> end() {
    return Optional.ofNullable(end);
  }

  @Override
  public String toString() {
    return "StoredRun{" + header + ", input=" + input + ", checkpoints=" + checkpoints
        + (end == null ? "" : ", end=" + end) + "}";
  }
}
