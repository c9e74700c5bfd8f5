package io.stepwise.runtime.internal;

import io.stepwise.runtime.PermanentStepFailureException;
import io.stepwise.runtime.StepResponse;
import io.stepwise.runtime.WorkflowCancelledException;
import io.stepwise.runtime.WorkflowTimeoutException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * One step of a run, from its condition to its outcome: the only place where a step is attempted.
 * Not API.
 *
 * <pre>
 *   CONDITION -- stopped / condition threw --> failed
 *       |  skipped --> skipped
 *       v
 *   ATTEMPT (call the step) --> JUDGE -- success / permanent failure / failed for good --> outcome
 *       ^                          | failed, retryable, the run not stopped: onStepAttemptFailure
 *       +------ RETRY &lt;-- pause ---+   (a cancel or the deadline during the pause: failed)
 * </pre>
 *
 * <p>A step that fails for good while its run is cancelled fails with a {@link
 * WorkflowCancelledException} that keeps the attempt's own exception, so that the cancel shows in
 * the run's result wherever it landed. The step's record (attempts) is written as it goes; its
 * outcome is read by {@link Settlement}.
 *
 * <p>The machine runs on its {@link Driver}: {@link #run()} goes as far as it can, and returns when
 * the step has an outcome or when the driver (or the step's stage) will call {@code run()} again
 * later, in a new segment of the run. How an attempt calls the step is the subclass's: {@link
 * SyncStepMachine} for a step that returns its result, {@link AsyncStepMachine} for a step that
 * returns a {@code CompletionStage}. When the outcome is in, {@code then} runs (if given).
 */
abstract class StepMachine<O, C> implements Runnable {
  private static final int CONDITION = 0;
  private static final int ATTEMPT = 1;
  private static final int JUDGE = 2;
  private static final int RETRY = 3;
  private static final int OVER = 4;

  final Execution run;
  final Driver driver;
  StepSpec step;
  /** The step's place in the workflow, and in the run's {@link RunRecord}. */
  int position;
  private Condition when;
  /** Whether a stopped run (cancelled, past its deadline) fails the step before its condition. */
  private boolean stopsBeforeCondition;
  private Runnable then;
  private int phase;
  private int attempt;
  private StepRecord record;

  // what the current attempt came to: set by call() through answerWith/answerValue, or later through pending
  private boolean answered;
  private Object output;
  private Object compensationInput;
  /** The message of a permanent failure the step answered with; null otherwise. */
  private String permanentFailure;
  /** Whether the permanent failure hands over partial work: {@code permanentFailure(message, compensationInput)}. */
  private boolean partialWork;
  Throwable error;
  boolean retryable;
  private CompletableFuture<? extends StepResponse<O, C>> pending;

  // the outcome
  private Attempt last;
  private Throwable cause;
  private boolean skipped;

  StepMachine(Execution run, StepSpec step, Condition when, boolean stopsBeforeCondition) {
    this.run = run;
    this.driver = run.driver();
    if (step != null) {
      prepare(step, when, stopsBeforeCondition);
    }
  }

  /**
   * Sets the machine up for {@code step}, from its condition on. A synchronous run drives one step
   * at a time, and sets its one machine up for each step in turn.
   */
  final void prepare(StepSpec step, Condition when, boolean stopsBeforeCondition) {
    this.step = step;
    this.position = run.spec().position(step);
    this.when = when == Condition.ALWAYS ? null : when;
    this.stopsBeforeCondition = stopsBeforeCondition;
    this.phase = CONDITION;
    this.cause = null;
    this.skipped = false;
    this.record = null;
    clearAnswer();
  }

  private void clearAnswer() {
    answered = false;
    output = null;
    compensationInput = null;
    permanentFailure = null;
    partialWork = false;
  }

  /** What runs once the step has its outcome. */
  StepMachine<O, C> then(Runnable then) {
    this.then = then;
    return this;
  }

  /**
   * Makes one attempt: calls the step with {@code attempt}. Returns null when the attempt is over
   * (it answered through {@link #answerWith} or {@link #answerValue}, or {@link #error} and {@link
   * #retryable} tell how it failed); else the future of the step's response, which the driver
   * waits for.
   */
  abstract CompletableFuture<? extends StepResponse<O, C>> call(Attempt attempt);

  /** The step answered with {@code response}; null is no answer. */
  final void answerWith(StepResponse<O, C> response) {
    if (response == null) {
      return;
    }
    answered = true;
    output = response.output();
    compensationInput = response.compensationInput();
    if (response.isPermanentFailure()) {
      permanentFailure = response.failureMessage().orElseThrow();
      partialWork = response.compensatesFailure();
    }
  }

  /** The step answered with an output that is also its compensation input (null for a {@code void} step). */
  final void answerValue(Object value) {
    answered = true;
    output = value;
    compensationInput = value;
  }

  @Override
  public final void run() {
    while (phase != OVER) {
      switch (phase) {
        case CONDITION -> condition();
        case ATTEMPT -> {
          if (!attempt()) {
            return; // the driver goes on once the step's stage completes
          }
        }
        case JUDGE -> {
          if (!judge()) {
            return; // the driver goes on after the pause
          }
        }
        case RETRY -> retry();
        default -> throw new IllegalStateException("phase " + phase);
      }
    }
  }

  private void condition() {
    record = run.record().start(position, step.name());
    Throwable stop = stopsBeforeCondition ? run.stopReason(step) : null;
    if (stop == null && when != null) {
      Attempt context = new Attempt(run, step, 1, false);
      Mdc.step(step);
      try {
        if (!when.test(context)) {
          RunEvents.skippedByCondition(context);
          skipped = true;
          over();
          return;
        }
      } catch (Throwable t) {
        run.fatal(t);
        RunEvents.conditionThrew(context, t);
        fail(t, 1);
        return;
      }
    }
    if (stop == null && (when != null || !stopsBeforeCondition)) {
      stop = run.stopReason(step); // the run may have stopped while the condition ran
    }
    if (stop != null) {
      fail(stop, 0);
      return;
    }
    attempt = 1;
    phase = ATTEMPT;
  }

  /** Starts an attempt; false if its outcome comes later. */
  private boolean attempt() {
    Attempt context = new Attempt(run, step, attempt, false);
    last = context;
    record.attempts = attempt;
    clearAnswer();
    error = null;
    retryable = true;
    Mdc.step(step);
    try {
      RunEvents.attemptBegins(context);
      pending = call(context);
    } catch (Throwable t) {
      run.fatal(t);
      error = t;
    }
    phase = JUDGE;
    return pending == null || driver.await(run, pending, this);
  }

  /** What the attempt came to; false if a pause goes on later. */
  private boolean judge() {
    if (pending != null) {
      try {
        answerWith(pending.join());
      } catch (CompletionException | CancellationException e) {
        error = WorkflowRun.unwrap(e);
      }
      pending = null;
    }
    Attempt context = last;
    if (error == null && !answered) {
      error = new IllegalStateException("step '" + step.name() + "' returned null instead of a StepResponse; "
          + "return new StepResponse<>(output) or StepResponse.permanentFailure(message)");
      retryable = false;
    }
    if (error == null && permanentFailure != null) {
      PermanentStepFailureException failure = new PermanentStepFailureException(permanentFailure);
      RunEvents.failed(context, failure);
      fail(cancelledDuring(context, failure), attempt);
      return true;
    }
    if (error == null) {
      RunEvents.succeeded(context, output);
      over();
      return true;
    }
    // no retry once the run is cancelled or past its deadline, nor if the deadline passes before the
    // pause could begin (the delay is -1 then)
    long delay = retryable && attempt < step.maxAttempts() && isRetryable(error) && run.stopReason(step) == null
        ? run.deadline().retryDelayNanos(step, attempt, false)
        : -1;
    if (delay < 0) {
      giveUp();
      return true;
    }
    RunEvents.retrying(context, error, delay);
    phase = RETRY;
    return driver.pause(run, delay, true, this);
  }

  /** After the pause: the next attempt, unless the run must stop. */
  private void retry() {
    if (Thread.currentThread().isInterrupted() || run.stopReason(step) != null) {
      giveUp();
      return;
    }
    attempt++;
    phase = ATTEMPT;
  }

  /** The step failed for good with the last attempt's error. */
  private void giveUp() {
    RunEvents.failed(last, error);
    fail(cancelledDuring(last, error), attempt);
  }

  /**
   * The cause of a step that failed for good: its last attempt's {@code error}; or, if the run was
   * cancelled while the step was being tried (during an attempt, a retry pause, or while an
   * asynchronous attempt was pending), a {@link WorkflowCancelledException} that says so and has
   * {@code error} as its suppressed exception, so that a cancel always shows in the run's result.
   */
  private Throwable cancelledDuring(Attempt context, Throwable error) {
    if (!run.isCancelled() || error instanceof WorkflowCancelledException) {
      return error;
    }
    WorkflowCancelledException cancelled = new WorkflowCancelledException("workflow '" + run.spec().name()
        + "' (transaction " + run.transactionId() + ") was cancelled during step '" + step.name() + "', whose attempt "
        + context.attempt() + " failed with " + error + "; no further attempt was started, and the completed steps"
        + " are compensated");
    cancelled.addSuppressed(error);
    return cancelled;
  }

  private void fail(Throwable failure, int attempts) {
    cause = failure;
    attempt = attempts;
    over();
  }

  private void over() {
    phase = OVER;
    if (then != null) {
      then.run();
    }
  }

  /**
   * Ends the machine with a failure from outside it: its task was refused by the executor, or broke
   * down before the step had an outcome.
   */
  void crash(Throwable failure, int attempts) {
    if (record == null) {
      record = run.record().start(position, step.name());
    }
    clearAnswer();
    fail(failure, attempts);
  }

  /** Whether the step's condition skipped it. */
  boolean skipped() {
    return skipped;
  }

  /** The failure the step ended with; null if it completed, or was skipped. */
  Throwable failure() {
    return cause;
  }

  /** How many attempts the step took: 0 if the run stopped before its first. */
  int attempts() {
    return attempt;
  }

  /** The step's output: null unless it completed. */
  @SuppressWarnings("unchecked")
  O output() {
    return cause == null ? (O) output : null;
  }

  /** The completed step's compensation input, or the partial work its permanent failure handed over. */
  @SuppressWarnings("unchecked")
  C compensationInput() {
    return (C) compensationInput;
  }

  /** Whether the step failed permanently and handed over partial work for its own compensation. */
  boolean handsOverPartialWork() {
    return cause != null && partialWork;
  }

  /**
   * Whether a failure may be retried: not a permanent failure, the workflow's timeout or a cancel,
   * nor anything on an interrupted thread. An {@code InterruptedException} keeps the interrupt for
   * the caller.
   */
  static boolean isRetryable(Throwable t) {
    if (t instanceof InterruptedException) {
      Thread.currentThread().interrupt();
      return false;
    }
    return !(t instanceof PermanentStepFailureException)
        && !(t instanceof WorkflowTimeoutException)
        && !(t instanceof WorkflowCancelledException)
        && !Thread.currentThread().isInterrupted();
  }
}
