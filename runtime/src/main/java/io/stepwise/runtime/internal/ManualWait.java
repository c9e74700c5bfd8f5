package io.stepwise.runtime.internal;

import io.stepwise.runtime.ManualStepFailureException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A step of a run that waits for the application to retry it or fail it, after a failed attempt
 * ({@code @Step(autoRetry = false)}): what the waiting step machine awaits, and what the runner's
 * {@code retryXxx}/{@code failXxx}, a cancel of the run and the workflow's deadline decide, the first
 * of them only; and how the {@link StepMachine} begins the wait and goes on from its decision. Not API.
 */
final class ManualWait {
  /** How a wait ends. */
  enum Decision {
    /** The application retries the step: the next attempt begins. */
    RETRY,
    /** The application fails the step for good. */
    FAIL,
    /**
     * The run was cancelled, its deadline passed, or a sibling of the step's {@code @Parallel} group
     * failed for good: the step fails as it would during a retry pause.
     */
    STOP
  }

  /** The run whose step waits. */
  final Execution run;
  final StepSpec step;
  /** The attempt that failed, after which the step waits. */
  final int attempt;
  final CompletableFuture<Decision> decided = new CompletableFuture<>();
  /** Ends the wait at the run's deadline; null for a run without one. */
  private volatile ScheduledFuture<?> deadline;

  ManualWait(Execution run, StepSpec step, int attempt) {
    this.run = run;
    this.step = step;
    this.attempt = attempt;
  }

  /**
   * The failure of a step that the application failed with {@code failXxx} while it waited after
   * {@code attempt} failed with {@code error}.
   */
  static ManualStepFailureException failedByApplication(WorkflowSpec workflow, String transactionId, StepSpec step,
      int attempt, Throwable error) {
    return new ManualStepFailureException("step '" + step.name() + "' of workflow '" + workflow.name()
        + "' (transaction " + transactionId + ") was failed by the application after attempt " + attempt + " of "
        + step.maxAttempts() + " failed with " + error, error);
  }

  /**
   * The machine's step waits for the application to retry or fail it after its failed attempt (its
   * WAIT phase), holding no thread in an asynchronous run: in memory, or recorded in a durable run
   * whose store records waits (then the run stops, see {@link StepRecording#parked}). False if the
   * decision comes later.
   */
  static boolean begin(StepMachine<?, ?> m) {
    Execution run = m.run;
    if (run.journal != null && run.journal.isSuspended()) {
      m.fail(run.journal.suspension(), m.attempt); // the failed attempt could not be recorded: stop here
      return true;
    }
    if (m.parks()) {
      m.phase = StepMachine.PARKED;
      return m.driver.await(run, m.recording.waiting(), m);
    }
    ManualWait wait = run.beginWaiting(m.step, m.attempt);
    if (run.journal != null && run.journal.isSuspended()) {
      wait.decide(Decision.STOP); // the run stopped since the check above, before this wait could be stopped
    }
    m.wait = wait;
    if (m.group != null) {
      m.group.waiting(wait);
    }
    Mdc.step(m.step);
    RunEvents.waiting(m.last, m.error);
    m.phase = StepMachine.DECIDE;
    return m.driver.await(run, wait.decided, m);
  }

  /**
   * The application decided (or a cancel, the deadline, or a sibling's failure for good ended the
   * wait): the machine's next attempt, or its step fails (its DECIDE phase).
   */
  static void decided(StepMachine<?, ?> m) {
    Execution run = m.run;
    ManualWait over = m.wait;
    m.wait = null;
    run.endWaiting(over);
    Decision decision = over.decided.join();
    if (decision == Decision.FAIL) {
      m.error = failedByApplication(run.spec(), run.transactionId(), m.step, m.attempt, m.error);
      m.giveUp();
      return;
    }
    if (decision == Decision.STOP && (run.journal == null || !run.journal.isSuspended())) {
      m.giveUp(); // with the attempt's error, as at the end of a retry pause; a cancel says so (cancelledDuring)
      return;
    }
    m.retry();
  }

  /** Ends the wait with {@code decision}, unless it has ended already: then false. */
  boolean decide(Decision decision) {
    if (!decided.complete(decision)) {
      return false;
    }
    ScheduledFuture<?> timer = deadline;
    if (timer != null) {
      timer.cancel(false);
    }
    return true;
  }

  /** Ends the wait with {@link Decision#STOP} once {@code nanos} have passed (the run's deadline). */
  void stopAfter(long nanos) {
    if (nanos <= 0) {
      decide(Decision.STOP);
      return;
    }
    deadline = Scheduling.timer().schedule(() -> decide(Decision.STOP), nanos, TimeUnit.NANOSECONDS);
    if (decided.isDone()) {
      deadline.cancel(false);
    }
  }
}
