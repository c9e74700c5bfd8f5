package io.stepwise.runtime.internal;

import io.stepwise.runtime.StepError;
import io.stepwise.runtime.WorkflowStatus;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;

/**
 * The facts of one run, in one place: each step's {@link StepRecord}, the compensation stack, the
 * errors, the status, a cancel request and the deadline. Plain data, no lambdas or threads: what a
 * checkpoint of the run records, and what a recovery restores. Not API.
 *
 * <p>The steps are kept by their position in the workflow's {@link WorkflowSpec#steps()}; the
 * compensation stack holds positions, in the order the steps completed. Only the run's thread (or
 * the segment of an asynchronous run that is running) writes here, except {@link #requestCancel()}
 * and a {@code @Parallel} step's own record.
 */
final class RunRecord {
  /** How far a run got. */
  enum Status {
    /** Its steps are running. */
    RUNNING,
    /** A step failed (or the run was cancelled or timed out): the completed steps are being compensated. */
    COMPENSATING,
    DONE,
    REVERTED,
    FAILED;

    WorkflowStatus ended() {
      return switch (this) {
        case DONE -> WorkflowStatus.DONE;
        case REVERTED -> WorkflowStatus.REVERTED;
        case FAILED -> WorkflowStatus.FAILED;
        default -> throw new IllegalStateException("the run has not ended: " + this);
      };
    }
  }

  final String workflow;
  final String transactionId;
  /** When the workflow's timeout expires, in {@link System#currentTimeMillis()} terms; 0 if it has none. */
  final long deadlineMillis;
  private final StepRecord[] steps;
  /** Positions of completed steps that have a compensation, the most recent last. */
  private final int[] stack;
  /** When each step on the stack finished, in the run's order of completion: see {@link #pushInOrder}. */
  private final int[] stackOrders;
  private int stackSize;
  private int completions;
  private List<StepError> errors = List.of();
  private Status status = Status.RUNNING;
  /** The failure that halted the run, and the step it failed; null while no step halted it. */
  private Throwable failure;
  private String failedStep;
  /** Whether a cancel was requested, and whether the steps are over: one of the four below. */
  private volatile int cancel;
  private static final int RUNNING = 0;
  private static final int CANCEL_REQUESTED = 1;
  private static final int OVER = 2;
  private static final int OVER_AFTER_CANCEL = 3;
  private static final VarHandle CANCEL;

  static {
    try {
      CANCEL = MethodHandles.lookup().findVarHandle(RunRecord.class, "cancel", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  RunRecord(String workflow, String transactionId, int stepCount, long deadlineMillis) {
    this.workflow = workflow;
    this.transactionId = transactionId;
    this.deadlineMillis = deadlineMillis;
    this.steps = new StepRecord[stepCount];
    this.stack = new int[stepCount]; // a step completes at most once: the stack never holds more
    this.stackOrders = new int[stepCount];
  }

  // ---------------------------------------------------------------- steps

  /** The record of the step at {@code position}, created (RUNNING) when the step starts. */
  StepRecord start(int position, String name) {
    StepRecord step = steps[position];
    if (step == null) {
      step = new StepRecord(name);
      steps[position] = step;
    }
    return step;
  }

  /** The record of the step at {@code position}; null if it never started. */
  StepRecord step(int position) {
    return steps[position];
  }

  int stepCount() {
    return steps.length;
  }

  /** The step at {@code position} ended (completed, tolerated or failed) with {@code status}: its place in the order. */
  StepRecord stepEnded(int position, StepRecord.Status status) {
    StepRecord step = steps[position];
    step.status = status;
    step.completedAs = ++completions;
    return step;
  }

  // ---------------------------------------------------------------- the compensation stack

  /** The step at {@code position} has something to compensate: it goes on top of the stack. */
  void push(int position) {
    stackOrders[stackSize] = Integer.MAX_VALUE;
    stack[stackSize++] = position;
  }

  /**
   * The step at {@code position}, the {@code order}-th to finish in the run, has something to
   * compensate: it goes on the stack below the steps that finished after it. Steps are settled in the
   * order they finished, so it goes on top, but for a {@code noWait} step, which finished while later
   * steps ran and is settled after them.
   */
  void pushInOrder(int position, int order) {
    int at = stackSize++;
    for (; at > 0 && stackOrders[at - 1] > order; at--) {
      stack[at] = stack[at - 1];
      stackOrders[at] = stackOrders[at - 1];
    }
    stack[at] = position;
    stackOrders[at] = order;
  }

  /** How many steps are on the stack. */
  int stackSize() {
    return stackSize;
  }

  /** Empties the stack: the positions, the most recent first. */
  int[] popAll() {
    int[] popped = new int[stackSize];
    for (int i = 0; i < popped.length; i++) {
      popped[i] = stack[stackSize - 1 - i];
    }
    stackSize = 0;
    return popped;
  }

  /** Puts steps back on the stack, given in the order they were compensated (the most recent first). */
  void pushBack(List<Integer> compensatedOrder) {
    for (int i = compensatedOrder.size() - 1; i >= 0; i--) {
      push(compensatedOrder.get(i));
    }
  }

  /** The positions on the stack, in order of completion. */
  int[] stack() {
    return java.util.Arrays.copyOf(stack, stackSize);
  }

  // ---------------------------------------------------------------- errors and status

  void addError(StepError error) {
    if (errors.isEmpty()) {
      errors = new ArrayList<>(2);
    }
    errors.add(error);
  }

  /** The run's errors, in the order they happened. */
  List<StepError> errors() {
    return errors;
  }

  Status status() {
    return status;
  }

  void status(Status status) {
    this.status = status;
  }

  /** The first step failure that halts the run; the run compensates from now on. */
  void halt(String step, Throwable cause) {
    this.failedStep = step;
    this.failure = cause;
    this.status = Status.COMPENSATING;
  }

  Throwable failure() {
    return failure;
  }

  String failedStep() {
    return failedStep;
  }

  // ---------------------------------------------------------------- cancel

  /** Asks the run to stop before its next step (or attempt); false if its steps are already over. */
  boolean requestCancel() {
    while (true) {
      int state = cancel;
      if (state != RUNNING) {
        return state == CANCEL_REQUESTED; // over: too late, the run ends as its steps left it
      }
      if (CANCEL.compareAndSet(this, RUNNING, CANCEL_REQUESTED)) {
        return true;
      }
    }
  }

  boolean cancelRequested() {
    int state = cancel;
    return state == CANCEL_REQUESTED || state == OVER_AFTER_CANCEL;
  }

  /**
   * The run's steps are over: from now on a cancel finds nothing to stop. Returns whether a cancel
   * came before, while the last step ran (no later step was left to stop before). A run that ends
   * calls it too, whatever ended it.
   */
  boolean endSteps() {
    while (true) {
      int state = cancel;
      if (state == OVER || state == OVER_AFTER_CANCEL) {
        return state == OVER_AFTER_CANCEL;
      }
      if (CANCEL.compareAndSet(this, state, state == RUNNING ? OVER : OVER_AFTER_CANCEL)) {
        return state == CANCEL_REQUESTED;
      }
    }
  }

  @Override
  public String toString() {
    return "RunRecord{" + workflow + "/" + transactionId + ", " + status + ", steps=" + java.util.Arrays.toString(steps)
        + ", stack=" + java.util.Arrays.toString(stack()) + ", errors=" + errors + "}";
  }
}
