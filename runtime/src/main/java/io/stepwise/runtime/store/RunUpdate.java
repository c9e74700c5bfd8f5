package io.stepwise.runtime.store;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What one {@link RunStore#append} adds to a run's record, as one write: checkpoints, and the run's
 * end if it ended (so that a run's end costs no write of its own).
 */
public final class RunUpdate {
  private final List<Checkpoint> checkpoints;
  private final RunEnd end;

  private RunUpdate(List<Checkpoint> checkpoints, RunEnd end) {
    this.checkpoints = List.copyOf(checkpoints);
    this.end = end;
    Set<Integer> sequences = new HashSet<>();
    for (Checkpoint checkpoint : this.checkpoints) {
      if (!sequences.add(checkpoint.sequence())) {
        throw new IllegalArgumentException("two checkpoints of one update have sequence number "
            + checkpoint.sequence() + "; give each checkpoint of a run its own number");
      }
    }
    if (this.checkpoints.isEmpty() && end == null) {
      throw new IllegalArgumentException("an update needs a checkpoint or the run's end");
    }
  }

  /** Appends {@code checkpoints}. */
  public static RunUpdate of(Checkpoint... checkpoints) {
    return new RunUpdate(List.of(checkpoints), null);
  }

  /** Appends {@code checkpoints}. */
  public static RunUpdate of(List<Checkpoint> checkpoints) {
    return new RunUpdate(checkpoints, null);
  }

  /** Appends {@code checkpoints} (possibly none) and records the run's end, in one write. */
  public static RunUpdate ending(List<Checkpoint> checkpoints, RunEnd end) {
    return new RunUpdate(checkpoints, Objects.requireNonNull(end, "end"));
  }

  /** The checkpoints, in the order given. */
  public List<Checkpoint> checkpoints() {
    return checkpoints;
  }

  /**
   * Whether the update records compensations only, without an end: such an update may be appended
   * to a run that has ended (a finished child workflow that its parent compensates as a unit; a
   * finished run that is reverted), and leaves its status as it is.
   */
  public boolean isCompensationsOnly() {
    if (end != null) {
      return false;
    }
    for (Checkpoint checkpoint : checkpoints) {
      if (checkpoint.kind() != CheckpointKind.COMPENSATED && checkpoint.kind() != CheckpointKind.COMPENSATION_FAILED) {
        return false;
      }
    }
    return true;
  }

  /** The run's end, if this update ends the run. */
  public Optional<RunEnd> end() {
    return Optional.ofNullable(end);
  }

  /**
   * The status this update gives its run: the end's status if it ends the run; else {@link
   * RunStatus#COMPENSATING} if it records a {@link CheckpointKind#STEP_FAILED}; {@link
   * RunStatus#WAITING} if it records a {@link CheckpointKind#STEP_WAITING}; else none (the status
   * stays as it was).
   */
  public Optional<RunStatus> newStatus() {
    if (end != null) {
      return Optional.of(end.status());
    }
    for (Checkpoint checkpoint : checkpoints) {
      if (checkpoint.kind() == CheckpointKind.STEP_FAILED) {
        return Optional.of(RunStatus.COMPENSATING);
      }
      if (checkpoint.kind() == CheckpointKind.STEP_WAITING) {
        return Optional.of(RunStatus.WAITING);
      }
    }
    return Optional.empty();
  }

  @Override
  public String toString() {
    return "RunUpdate{" + checkpoints + (end == null ? "" : ", end=" + end) + "}";
  }
}
