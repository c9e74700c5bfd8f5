package io.stepwise.runtime.internal;

import io.stepwise.runtime.PermanentStepFailureException;
import io.stepwise.runtime.StepResponse;
import io.stepwise.runtime.WorkflowCancelledException;
import io.stepwise.runtime.WorkflowTimeoutException;
import io.stepwise.runtime.internal.WorkflowRun.Context;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One step of a run, from its condition to its outcome: the only place where a step is attempted.
 * Not API.
 *
 * <pre>
 *   CONDITION -- stopped / condition threw --> failed
 *       |  skipped --> skipped
 *       v
 *   ATTEMPT (call the step) --> JUDGE -- success / permanent failure / failed for good --> outcome
 *       ^                          | failed, retryable
 *       +------ RETRY &lt;-- pause ---+   (a cancel or the deadline during the pause: failed)
 * </pre>
 *
 * <p>The machine runs on its {@link Driver}: {@link #run()} goes as far as it can, and returns when
 * the step has an outcome or when the driver (or the step's stage) will call {@code run()} again
 * later, in a new segment of the run. How an attempt calls the step is the subclass's: {@link
 * SyncStepMachine} for a step that returns its response, {@link AsyncStepMachine} for a step that
 * returns a {@code CompletionStage}. When the outcome is in, {@code then} runs (if given).
 */
abstract class StepMachine<O, C> implements Runnable {
  private static final Logger log = LoggerFactory.getLogger(StepMachine.class);

  private static final int CONDITION = 0;
  private static final int ATTEMPT = 1;
  private static final int JUDGE = 2;
  private static final int RETRY = 3;
  private static final int OVER = 4;

  final WorkflowRun run;
  final Driver driver;
  final StepSpec step;
  /** The step's place in the workflow, and in the run's {@link RunRecord}. */
  final int position;
  private final Condition when;
  /** Whether a stopped run (cancelled, past its deadline) fails the step before its condition. */
  private final boolean stopsBeforeCondition;
  private Runnable then;
  private int phase = CONDITION;
  private int attempt;

  // what the current attempt came to: set by call(), or later through pending
  StepResponse<O, C> response;
  Throwable error;
  boolean retryable;
  private CompletableFuture<? extends StepResponse<O, C>> pending;

  private StepRecord record;

  // the outcome
  private Context last;
  private Throwable cause;
  private boolean skipped;

  StepMachine(WorkflowRun run, Driver driver, StepSpec step, Condition when, boolean stopsBeforeCondition) {
    this.run = run;
    this.driver = driver;
    this.step = step;
    this.position = run.position(step);
    this.when = when == Condition.ALWAYS ? null : when;
    this.stopsBeforeCondition = stopsBeforeCondition;
  }

  /** What runs once the step has its outcome. */
  StepMachine<O, C> then(Runnable then) {
    this.then = then;
    return this;
  }

  /**
   * Makes one attempt: calls the step with {@code context}. Returns null when the attempt is over
   * ({@link #response}, or {@link #error} and {@link #retryable}, tell how it went); else the future
   * of the step's response, which the driver waits for.
   */
  abstract CompletableFuture<? extends StepResponse<O, C>> call(Context context);

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
      Context context = run.new Context(step, 1, false);
      String outerStep = WorkflowRun.enterStep(step);
      try {
        if (!when.test(context)) {
          log.debug("Workflow '{}' ({}) step '{}' skipped by its condition", run.spec().name(), run.transactionId(), step.name());
          run.fire(listener -> listener.onStepSkipped(context));
          skipped = true;
          over();
          return;
        }
      } catch (Throwable t) {
        run.fatal(t);
        log.debug("Workflow '{}' ({}) the @When condition of step '{}' threw", run.spec().name(), run.transactionId(), step.name());
        run.fire(listener -> listener.onStepFailure(context, t));
        fail(t, 1);
        return;
      } finally {
        WorkflowRun.restore(WorkflowRun.MDC_STEP, outerStep);
      }
    }
    if (stop == null) {
      stop = run.stopReason(step);
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
    Context context = run.new Context(step, attempt, false);
    last = context;
    record.attempts = attempt;
    response = null;
    error = null;
    retryable = true;
    String outerStep = WorkflowRun.enterStep(step);
    try {
      run.beginAttempt(context);
      pending = call(context);
    } catch (Throwable t) {
      run.fatal(t);
      error = t;
    } finally {
      WorkflowRun.restore(WorkflowRun.MDC_STEP, outerStep);
    }
    phase = JUDGE;
    return pending == null || driver.await(run, pending, this);
  }

  /** What the attempt came to; false if a pause goes on later. */
  private boolean judge() {
    if (pending != null) {
      try {
        response = pending.join();
      } catch (CompletionException | CancellationException e) {
        error = WorkflowRun.unwrap(e);
      }
      pending = null;
    }
    Context context = last;
    if (error == null && response == null) {
      error = new IllegalStateException("step '" + step.name() + "' returned null instead of a StepResponse; "
          + "return new StepResponse<>(output) or StepResponse.permanentFailure(message)");
      retryable = false;
    }
    if (error == null && response.isPermanentFailure()) {
      PermanentStepFailureException failure = new PermanentStepFailureException(response.failureMessage().orElseThrow());
      run.fire(listener -> listener.onStepFailure(context, failure));
      fail(failure, attempt);
      return true;
    }
    if (error == null) {
      StepResponse<O, C> done = response;
      log.debug("Workflow '{}' ({}) step '{}' completed on attempt {}", run.spec().name(), run.transactionId(), step.name(), attempt);
      if (run.hasListeners()) {
        run.fire(listener -> listener.onStepSuccess(context, done.output()));
      }
      over();
      return true;
    }
    if (!retryable || attempt >= step.maxAttempts() || !isRetryable(error)) {
      giveUp();
      return true;
    }
    log.info("Workflow '{}' ({}) step '{}' failed on attempt {} of {}; retrying: {}",
        run.spec().name(), run.transactionId(), step.name(), attempt, step.maxAttempts(), error.toString());
    long delay = run.retryDelayNanos(step, attempt, false);
    if (delay < 0) {
      giveUp(); // past the workflow's deadline: no retry
      return true;
    }
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
    Context context = last;
    Throwable failure = error;
    run.fire(listener -> listener.onStepFailure(context, failure));
    fail(failure, attempt);
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

  /** Whether the machine has its outcome. */
  boolean isOver() {
    return phase == OVER;
  }

  /**
   * Ends the machine with a failure from outside it: its task was refused by the executor, or broke
   * down before the step had an outcome.
   */
  void crash(Throwable failure, int attempts) {
    if (record == null) {
      record = run.record().start(position, step.name());
    }
    response = null;
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

  /** The last attempt's response: the completed step's, or a permanent failure's; else null. */
  StepResponse<O, C> response() {
    return response;
  }

  /** The step's output: null unless it completed. */
  O output() {
    return cause == null && !skipped && response != null ? response.output() : null;
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
