package io.stepwise.runtime.internal;

import io.stepwise.runtime.WorkflowCancelledException;
import io.stepwise.runtime.WorkflowEvent;
import io.stepwise.runtime.WorkflowListener;
import io.stepwise.runtime.WorkflowResult;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a run tells its log and its {@link WorkflowListener}s, each event in one method: the machine,
 * the settlement, the compensator and the run's lifecycle call these, and nothing else logs a run's
 * progress or calls a listener. A listener that throws is logged and never changes the run. Not API.
 */
final class RunEvents {
  private static final Logger log = LoggerFactory.getLogger(RunEvents.class);

  private RunEvents() {}

  static void begun(Execution run) {
    if (log.isDebugEnabled()) {
      log.debug("Workflow '{}' ({}) started{}", run.spec().name(), run.transactionId(),
          run.parent() == null ? "" : " as a child of '" + run.parent().spec().name() + "'");
    }
    if (run.hasListeners()) { // the common case has none: allocate nothing for them
      WorkflowEvent event = new WorkflowEvent(run.spec().name(), run.transactionId());
      fire(run, listener -> listener.onBegin(event));
    }
  }

  static void attemptBegins(Attempt attempt) {
    if (attempt.run.hasListeners()) {
      fireForStep(attempt, listener -> listener.onStepBegin(attempt));
    }
  }

  static void skippedByCondition(Attempt attempt) {
    log.debug("Workflow '{}' ({}) step '{}' skipped by its condition", attempt.workflowName(), attempt.transactionId(),
        attempt.stepName());
    skipped(attempt);
  }

  static void skippedAfterFailure(Attempt attempt, StepSpec failed) {
    log.debug("Workflow '{}' ({}) step '{}' skipped: step '{}' failed with skipOnPermanentFailure",
        attempt.workflowName(), attempt.transactionId(), attempt.stepName(), failed.name());
    skipped(attempt);
  }

  static void skippedItself(Attempt attempt, String reason) {
    if (log.isDebugEnabled()) {
      log.debug("Workflow '{}' ({}) step '{}' skipped itself on attempt {}{}", attempt.workflowName(),
          attempt.transactionId(), attempt.stepName(), attempt.attempt(), reason == null ? "" : ": " + reason);
    }
    skipped(attempt);
  }

  static void skipped(Attempt attempt) {
    fireForStep(attempt, listener -> listener.onStepSkipped(attempt));
  }

  static void conditionThrew(Attempt attempt, Throwable error) {
    log.debug("Workflow '{}' ({}) the @When condition of step '{}' threw", attempt.workflowName(),
        attempt.transactionId(), attempt.stepName());
    failed(attempt, error);
  }

  static void succeeded(Attempt attempt, Object output) {
    if (log.isDebugEnabled()) {
      log.debug("Workflow '{}' ({}) step '{}' completed on attempt {}", attempt.workflowName(), attempt.transactionId(),
          attempt.stepName(), attempt.attempt());
    }
    if (attempt.run.hasListeners()) {
      fireForStep(attempt, listener -> listener.onStepSuccess(attempt, output));
    }
  }

  /** The attempt failed, and the step is tried again after {@code delayNanos}. */
  static void retrying(Attempt attempt, Throwable error, long delayNanos) {
    if (log.isInfoEnabled()) {
      log.info("Workflow '{}' ({}) step '{}' failed on attempt {} of {}; retrying in {} ms: {}", attempt.workflowName(),
          attempt.transactionId(), attempt.stepName(), attempt.attempt(), attempt.step.maxAttempts(),
          TimeUnit.NANOSECONDS.toMillis(delayNanos), oneLine(error));
    }
    fireForStep(attempt, listener -> listener.onStepAttemptFailure(attempt, error, Duration.ofNanos(delayNanos)));
  }

  /** An attempt of a step with {@code autoRetry = false} failed: the run waits for the application. */
  static void waiting(Attempt attempt, Throwable error) {
    if (log.isInfoEnabled()) {
      log.info("Workflow '{}' ({}) step '{}' failed on attempt {} of {}; waiting for the application to retry or fail"
          + " it (autoRetry = false): {}", attempt.workflowName(), attempt.transactionId(), attempt.stepName(),
          attempt.attempt(), attempt.step.maxAttempts(), oneLine(error));
    }
    fireForStep(attempt, listener -> listener.onStepWaiting(attempt, error));
  }

  /** The step failed for good: on this attempt, or (a condition, a stopped run) before it. */
  static void failed(Attempt attempt, Throwable error) {
    fireForStep(attempt, listener -> listener.onStepFailure(attempt, error));
  }

  static void tolerated(Execution run, StepSpec step, Throwable cause, int attempts) {
    if (log.isWarnEnabled()) {
      log.warn("Workflow '{}' ({}) step '{}' failed after {} attempt(s): {}; the run goes on ({})",
          run.spec().name(), run.transactionId(), step.name(), attempts, oneLine(cause), goesOn(step));
    }
    if (step.onFailure() == StepSpec.OnFailure.SKIP) {
      skipped(new Attempt(run, step, Math.max(1, attempts), false));
    }
  }

  private static String goesOn(StepSpec step) {
    if (step.onFailure() != StepSpec.OnFailure.SKIP) {
      return "continueOnPermanentFailure";
    }
    return step.skipUntil() == null ? "skipOnPermanentFailure: the steps after it are skipped"
        : "skipOnPermanentFailure: the steps up to '" + step.skipUntil() + "' are skipped";
  }

  /** A step failed and halts the run: {@code count} steps are about to be compensated. */
  static void compensationBegins(Execution run, StepSpec step, Throwable cause, int attempts, int count) {
    if (replaysAnEnd(run)) {
      return;
    }
    // A failed step is the workflow working as designed (the saga undoes it), and its exception is
    // in the result: one line here, the stack trace at debug level.
    if (log.isWarnEnabled()) {
      if (cause instanceof RevertRequested) {
        log.info("Workflow '{}' ({}) ended DONE and is reverted on request; compensating {} step(s)",
            run.spec().name(), run.transactionId(), count);
      } else if (cause instanceof WorkflowCancelledException) {
        log.warn("Workflow '{}' ({}) was cancelled at step '{}' after {} attempt(s): {}; compensating {} step(s)",
            run.spec().name(), run.transactionId(), step.name(), attempts, oneLine(cause.getMessage()), count);
      } else {
        log.warn("Workflow '{}' ({}) step '{}' failed after {} attempt(s): {}; compensating {} step(s)",
            run.spec().name(), run.transactionId(), step.name(), attempts, oneLine(cause), count);
      }
    }
    if (log.isDebugEnabled()) {
      log.debug("Workflow '{}' ({}) step '{}' failure", run.spec().name(), run.transactionId(), step.name(), cause);
    }
    WorkflowEvent event = new WorkflowEvent(run.spec().name(), run.transactionId());
    fire(run, listener -> listener.onCompensateBegin(event));
  }

  static void compensated(Attempt attempt) {
    if (log.isDebugEnabled()) {
      log.debug("Workflow '{}' ({}) step '{}' compensated on attempt {}", attempt.workflowName(),
          attempt.transactionId(), attempt.stepName(), attempt.attempt());
    }
    fire(attempt.run, listener -> listener.onCompensateStepSuccess(attempt));
  }

  static void compensationRetrying(Attempt attempt, Throwable error) {
    if (log.isInfoEnabled()) {
      log.info("Workflow '{}' ({}) compensation of step '{}' failed on attempt {} of {}; retrying: {}",
          attempt.workflowName(), attempt.transactionId(), attempt.stepName(), attempt.attempt(),
          attempt.step.maxAttempts(), oneLine(error));
    }
  }

  static void compensationFailed(Attempt attempt, Throwable error) {
    log.error("Workflow '{}' ({}) compensation of step '{}' failed after {} attempt(s); its work is not undone",
        attempt.workflowName(), attempt.transactionId(), attempt.stepName(), attempt.attempt(), error);
    fireForStep(attempt, listener -> listener.onCompensateStepFailure(attempt, error));
  }

  /** The compensations are over: the run ends REVERTED or FAILED. */
  static void compensationEnded(Execution run, RunRecord.Status status) {
    if (replaysAnEnd(run)) {
      return;
    }
    log.info("Workflow '{}' ({}) {}", run.spec().name(), run.transactionId(), status);
  }

  static void done(Execution run) {
    log.debug("Workflow '{}' ({}) done", run.spec().name(), run.transactionId());
  }

  static void finished(Execution run, WorkflowResult<?> result) {
    if (run.hasListeners()) {
      fire(run, listener -> listener.onFinish(result));
    }
  }

  /** The generated code failed with an unexpected exception: a bug in Stepwise. */
  static void brokeDown(Execution run, Throwable cause) {
    log.error("Workflow '{}' ({}) broke down; this is a bug in Stepwise", run.spec().name(), run.transactionId(), cause);
  }

  /**
   * Calls every listener with the step's MDC key set, as while the step runs: the event may come in
   * a segment of an asynchronous run that has not set it (after a stage completed, or a pause).
   */
  private static void fireForStep(Attempt attempt, Consumer<WorkflowListener> event) {
    if (!attempt.run.hasListeners()) {
      return;
    }
    Mdc.step(attempt.step);
    fire(attempt.run, event);
  }

  /** Calls every listener; a listener that throws is logged and never changes the run. */
  private static void fire(Execution run, Consumer<WorkflowListener> event) {
    List<WorkflowListener> listeners = run.listeners();
    for (int i = 0; i < listeners.size(); i++) {
      WorkflowListener listener = listeners.get(i);
      try {
        event.accept(listener);
      } catch (RuntimeException | LinkageError | AssertionError e) {
        log.warn("Workflow '{}' ({}) listener {} threw; ignored", run.spec().name(), run.transactionId(), listener, e);
      }
    }
  }

  /**
   * Whether the run replays the record of a run that ended (a repeated transaction id): it tells
   * nothing that happened now, so its compensation is not announced again.
   */
  private static boolean replaysAnEnd(Execution run) {
    return run.journal != null && run.journal.endedBefore();
  }

  /**
   * An exception's summary on one line: a message that holds a line break or another control
   * character (from a request, say) cannot forge a line of the log. They are written as escapes.
   */
  static String oneLine(Object value) {
    String text = String.valueOf(value);
    for (int i = 0; i < text.length(); i++) {
      if (Character.isISOControl(text.charAt(i))) {
        return escape(text);
      }
    }
    return text;
  }

  private static String escape(String text) {
    StringBuilder sb = new StringBuilder(text.length() + 8);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          if (Character.isISOControl(c)) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    return sb.toString();
  }
}
