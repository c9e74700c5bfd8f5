package io.stepwise.runtime.internal;

import io.stepwise.runtime.ManualStepFailureException;
import io.stepwise.runtime.PermanentStepFailureException;
import io.stepwise.runtime.StepTimeoutException;
import io.stepwise.runtime.WorkflowCancelledException;
import io.stepwise.runtime.WorkflowTimeoutException;
import io.stepwise.runtime.store.Checkpoint;
import io.stepwise.runtime.store.CheckpointKind;
import io.stepwise.runtime.store.RunEnd;
import io.stepwise.runtime.store.StoredError;
import io.stepwise.runtime.store.StoredRun;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * A recorded run as its replay takes it: its checkpoints by step, taken one by one as the run replays
 * them, and the stand-ins of its recorded errors; also why a record is not replayed into another
 * definition of its workflow. A {@link Journal} of a run whose record it found has one. Not API.
 */
final class Replay {
  final RunEnd end;
  final int nextSequence;
  /** Whether a revert of the run began (see {@link Journal#replaysRevert()}). */
  final boolean revert;
  /** Per position: the step's outcome (STEP_* kinds), in order. */
  private final List<ArrayDeque<Checkpoint>> outcomes = new ArrayList<>();
  /** Per position: the compensation's outcomes, in order. */
  private final List<ArrayDeque<Checkpoint>> compensations = new ArrayList<>();

  Replay(StoredRun stored) {
    this.end = stored.end().orElse(null);
    int size = 0;
    int next = 0;
    for (Checkpoint c : stored.checkpoints()) {
      size = Math.max(size, c.position() + 1);
      next = Math.max(next, c.sequence() + 1);
    }
    this.nextSequence = next;
    boolean revert = false;
    for (int i = 0; i < size; i++) {
      outcomes.add(new ArrayDeque<>(1));
      compensations.add(new ArrayDeque<>(1));
    }
    for (Checkpoint c : stored.checkpoints()) {
      boolean compensation = c.kind() == CheckpointKind.COMPENSATED || c.kind() == CheckpointKind.COMPENSATION_FAILED;
      if (c.kind() == CheckpointKind.CONDITION_MET) {
        continue;
      }
      if (c.kind() == CheckpointKind.REVERT_BEGUN) {
        revert = true;
        continue;
      }
      (compensation ? compensations : outcomes).get(c.position()).add(c);
    }
    this.revert = revert;
  }

  /**
   * The next recorded outcome of the step (or compensation) at {@code position}: what tells of its
   * attempts (failed attempts, waits and decisions: {@link CheckpointKind#isAttempt()}) is passed
   * over when more follows; the last of it is given when nothing does.
   */
  synchronized Checkpoint take(int position, boolean compensation) {
    List<ArrayDeque<Checkpoint>> from = compensation ? compensations : outcomes;
    if (position >= from.size()) {
      return null;
    }
    ArrayDeque<Checkpoint> queue = from.get(position);
    Checkpoint next = queue.poll();
    while (next != null && next.kind().isAttempt() && !queue.isEmpty()
        && (queue.peek().kind().isAttempt() || !compensation)) {
      next = queue.poll();
    }
    return next;
  }

  synchronized Checkpoint lateFailure() {
    for (int i = outcomes.size() - 1; i >= 0; i--) {
      Checkpoint next = outcomes.get(i).peek();
      if (next != null && next.kind() == CheckpointKind.STEP_FAILED) {
        return outcomes.get(i).poll();
      }
    }
    return null;
  }

  /** The stand-in for a recorded error: Stepwise's own exceptions as themselves, others as a {@link io.stepwise.runtime.store.RestoredException}. */
  static Throwable restore(StoredError error) {
    String message = error.message();
    if (error.type().equals(WorkflowCancelledException.class.getName())) {
      return new WorkflowCancelledException(message);
    }
    if (error.type().equals(WorkflowTimeoutException.class.getName())) {
      return new WorkflowTimeoutException(message);
    }
    if (error.type().equals(PermanentStepFailureException.class.getName())) {
      return new PermanentStepFailureException(message);
    }
    if (error.type().equals(StepTimeoutException.class.getName())) {
      return new StepTimeoutException(message);
    }
    if (error.type().equals(ManualStepFailureException.class.getName())) {
      return new ManualStepFailureException(message, null);
    }
    return error.toException();
  }

  /**
   * Says that a run was recorded by another definition of its workflow, and where the definitions
   * differ if the record shows it: the first recorded step whose name is not the one at its position now.
   */
  static String definitionChanged(WorkflowSpec spec, String recordedFingerprint, StoredRun recorded) {
    StringBuilder sb = new StringBuilder("Workflow '").append(spec.name()).append("': run '");
    String where = "";
    if (recorded != null) {
      sb.append(recorded.transactionId());
      for (Checkpoint c : recorded.checkpoints()) {
        List<StepSpec> steps = spec.steps();
        if (c.position() >= steps.size()) {
          where = "; its record has step '" + c.stepName() + "' at position " + c.position()
              + ", where this definition has no step";
          break;
        }
        if (!steps.get(c.position()).name().equals(c.stepName())) {
          where = "; its record has step '" + c.stepName() + "' at position " + c.position() + ", where this definition "
              + "has step '" + steps.get(c.position()).name() + "'";
          break;
        }
      }
    } else {
      sb.append("?");
    }
    if (where.isEmpty()) {
      where = "; its steps' names and order are the same, so a step's kind or types changed";
    }
    return sb.append("' was recorded by another definition of the workflow (fingerprint ").append(recordedFingerprint)
        .append(", this one is ").append(spec.fingerprint()).append(")").append(where)
        .append(". It is not replayed into the wrong steps: finish it with the definition that recorded it "
            + "(deploy that version), or leave it; its record stays as it is").toString();
  }
}
