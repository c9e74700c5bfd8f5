package io.stepwise.runtime.internal;

/**
 * The facts of one step of one run: how far it got, how many attempts it took, what it produced and
 * when it completed. Plain data, no lambdas: what a checkpoint of the step will hold. Not API.
 *
 * <p>Written by whoever runs the step (a {@code @Parallel} step writes its own record on its own
 * thread until it is settled) and then only by the run's thread, in {@link RunRecord}'s methods.
 */
final class StepRecord {
  /** How far a step got. */
  enum Status {
    /** Its condition is being evaluated or an attempt is running (or pausing before the next). */
    RUNNING,
    /**
     * Its {@code @When} condition was false, an earlier step's {@code skipOnPermanentFailure} skipped
     * it, or it skipped itself ({@code StepResponse.skip()}): never compensated.
     */
    SKIPPED,
    /** It completed: its output flowed on, its compensation input (if it has a compensation) is on the stack. */
    COMPLETED,
    /** It failed for good and the step tolerates that ({@code continueOn}/{@code skipOnPermanentFailure}). */
    TOLERATED,
    /** It failed for good and halted the run. */
    FAILED,
    /** Its compensation succeeded. */
    COMPENSATED,
    /** Its compensation failed for good: its work is not undone. */
    NOT_COMPENSATED
  }

  final String name;
  Status status = Status.RUNNING;
  /** Attempts started: 0 before the first, or when the run stopped before the step ran. */
  int attempts;
  Object output;
  /** What the step's compensation is called with; set when there is something to compensate. */
  Object compensationInput;
  /** The order in which the step completed (or failed) in its run: 1 for the first; 0 until it has. */
  int completedAs;
  /** Attempts of the step's compensation. */
  int compensationAttempts;

  StepRecord(String name) {
    this.name = name;
  }

  @Override
  public String toString() {
    return name + ":" + status + "/" + attempts + (completedAs > 0 ? "#" + completedAs : "");
  }
}
