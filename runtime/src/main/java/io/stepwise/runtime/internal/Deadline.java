package io.stepwise.runtime.internal;

import io.stepwise.runtime.StepTimeoutException;
import io.stepwise.runtime.WorkflowTimeoutException;
import java.util.concurrent.TimeUnit;

/**
 * When a run's time is up: its workflow's timeout, or its parent's deadline if that comes first.
 * Kept on the monotonic clock for the run's own checks, and on the wall clock for its {@link
 * RunRecord}. Also the arithmetic of an attempt's timeout and a retry's pause, which the deadline
 * bounds. Immutable. Not API.
 */
final class Deadline {
  /** A run without a timeout. */
  static final Deadline NONE = new Deadline(false, 0, 0);

  private final boolean exists;
  /** {@link System#nanoTime()} at which the time is up; only if {@link #exists}. */
  private final long nanos;
  /** {@link System#currentTimeMillis()} at which the time is up; 0 if there is none. */
  final long epochMillis;

  private Deadline(boolean exists, long nanos, long epochMillis) {
    this.exists = exists;
    this.nanos = nanos;
    this.epochMillis = epochMillis;
  }

  /** The deadline of a run of {@code spec}, which never outlives {@code parent} (NONE for a top-level run). */
  static Deadline of(WorkflowSpec spec, Deadline parent) {
    if (spec.timeoutMillis() <= 0) {
      return parent;
    }
    long own = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(spec.timeoutMillis());
    if (parent.exists && parent.nanos - own < 0) {
      return parent; // a child never outlives its parent's deadline
    }
    return new Deadline(true, own, System.currentTimeMillis() + spec.timeoutMillis());
  }

  /** The deadline at {@code epochMillis} on the wall clock: a resumed run's, as its record has it. */
  static Deadline at(long epochMillis) {
    return new Deadline(true, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(epochMillis - System.currentTimeMillis()),
        epochMillis);
  }

  /** The nanoseconds left until the deadline; {@code Long.MAX_VALUE} for a run without one. */
  long leftNanos() {
    return exists ? nanos - System.nanoTime() : Long.MAX_VALUE;
  }

  /** Whether the time is up. */
  boolean passed() {
    return exists && System.nanoTime() - nanos >= 0;
  }

  /**
   * How long the next attempt of a step may take, in nanoseconds: the step's timeout, or what is left
   * of the run's time if that is shorter; {@code Long.MAX_VALUE} if neither is set.
   */
  long attemptTimeoutNanos(StepSpec step) {
    long stepTimeout = step.timeoutMillis() > 0 ? TimeUnit.MILLISECONDS.toNanos(step.timeoutMillis()) : Long.MAX_VALUE;
    long left = exists ? nanos - System.nanoTime() : Long.MAX_VALUE;
    return Math.min(stepTimeout, left);
  }

  /** Whether a timeout of {@code timeoutNanos} for the step is the workflow's deadline, not the step's own. */
  static boolean isWorkflowLimit(StepSpec step, long timeoutNanos) {
    return step.timeoutMillis() <= 0 || timeoutNanos < TimeUnit.MILLISECONDS.toNanos(step.timeoutMillis());
  }

  /**
   * The pause before the retry after {@code attempt}, in nanoseconds. A step's pause is cut at the
   * deadline, and is -1 if the deadline has passed (no retry); a compensation's is not bounded.
   */
  long retryDelayNanos(StepSpec step, int attempt, boolean compensating) {
    long delay = TimeUnit.MILLISECONDS.toNanos(step.retryDelayMillis(attempt));
    if (!compensating && exists && delay > 0) {
      long left = nanos - System.nanoTime();
      if (left <= 0) {
        return -1;
      }
      delay = Math.min(delay, left);
    }
    return delay;
  }

  /** The failure of an attempt that ran out of time: the step's timeout, or the workflow's. */
  static RuntimeException timedOut(Attempt attempt, boolean workflowLimited) {
    StepSpec step = attempt.step;
    if (workflowLimited) {
      return new WorkflowTimeoutException("workflow '" + attempt.workflowName() + "' timed out after "
          + attempt.run.spec().timeoutMillis() + " ms, in step '" + step.name() + "'");
    }
    return new StepTimeoutException("step '" + step.name() + "' timed out after " + step.timeoutMillis()
        + " ms on attempt " + attempt.attempt());
  }
}
