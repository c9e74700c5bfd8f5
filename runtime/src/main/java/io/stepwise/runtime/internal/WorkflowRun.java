package io.stepwise.runtime.internal;

import io.stepwise.runtime.Container;
import io.stepwise.runtime.PermanentStepFailureException;
import io.stepwise.runtime.RunOptions;
import io.stepwise.runtime.StepContext;
import io.stepwise.runtime.StepError;
import io.stepwise.runtime.StepPhase;
import io.stepwise.runtime.StepResponse;
import io.stepwise.runtime.WorkflowFailedException;
import io.stepwise.runtime.WorkflowResult;
import io.stepwise.runtime.WorkflowStatus;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The state of one run of a workflow, driven by a generated runner. Not API.
 *
 * <p>A generated {@code run} method starts a run, calls one of the {@code step} methods per step in
 * declaration order, passing each step's output on in local variables, and ends with {@link
 * #done(Object)}. When a step fails (after its retries), the step method compensates every completed
 * step in reverse order of completion and throws {@link Halt}, which the runner catches and turns
 * into the run's result with {@link #halted(Halt)}.
 *
 * <p>A run belongs to the thread that runs it; one runner starts any number of runs concurrently.
 */
public final class WorkflowRun {
  /** The MDC key of the transaction id, set while a run is in progress. */
  public static final String MDC_TRANSACTION_ID = "stepwise.transactionId";
  /** The MDC key of the workflow's name, set while a run is in progress. */
  public static final String MDC_WORKFLOW = "stepwise.workflow";
  /** The MDC key of the step's name, set while a step, condition or compensation runs. */
  public static final String MDC_STEP = "stepwise.step";

  private static final Logger log = LoggerFactory.getLogger(WorkflowRun.class);
  private static final Halt HALT = new Halt();
  private static final StepResponse<Void, Void> VOID_RESPONSE = new StepResponse<>(null, null);

  private final WorkflowSpec spec;
  private final RunOptions options;
  private final Container container;
  private final String transactionId;
  private final String outerTransactionId;
  private final String outerWorkflow;
  /** Completed steps that have a compensation, the most recent last. */
  private final ArrayDeque<Completed<?>> completed = new ArrayDeque<>();
  private List<StepError> errors = List.of();
  private Throwable failure;
  private String failedStep;
  private WorkflowStatus status;

  private WorkflowRun(WorkflowSpec spec, RunOptions options, Container container) {
    this.spec = spec;
    this.options = options;
    this.container = container;
    this.transactionId = options.transactionId().orElseGet(TransactionIds::next);
    this.outerTransactionId = MDC.get(MDC_TRANSACTION_ID);
    this.outerWorkflow = MDC.get(MDC_WORKFLOW);
  }

  /** Starts a run: fixes its transaction id and sets the MDC. */
  public static WorkflowRun start(WorkflowSpec spec, RunOptions options, Container container) {
    if (options == null) {
      throw new NullPointerException("RunOptions of workflow '" + spec.name() + "' must not be null; use RunOptions.defaults()");
    }
    WorkflowRun run = new WorkflowRun(spec, options, container);
    MDC.put(MDC_TRANSACTION_ID, run.transactionId);
    MDC.put(MDC_WORKFLOW, spec.name());
    log.debug("Workflow '{}' ({}) started", spec.name(), run.transactionId);
    return run;
  }

  public String transactionId() {
    return transactionId;
  }

  // ---------------------------------------------------------------- steps

  /** Runs a step that returns a {@link StepResponse}; returns its output. */
  public <O, C> O step(StepSpec step, StepBody<O, C> body, Compensation<? super C> compensation) {
    StepResponse<O, C> response = invoke(step, body, compensation);
    if (compensation != null) {
      completed.addLast(new Completed<C>(step, compensation, response.compensationInput()));
    }
    return response.output();
  }

  /** Runs a conditional step that returns a {@link StepResponse}; empty if it was skipped. */
  public <O, C> Optional<O> step(
      StepSpec step, Condition when, StepBody<O, C> body, Compensation<? super C> compensation) {
    return shouldRun(step, when) ? Optional.ofNullable(step(step, body, compensation)) : Optional.empty();
  }

  /** Runs a step with a plain return type, whose output is also its compensation input. */
  public <O> O valueStep(StepSpec step, ValueBody<O> body, Compensation<? super O> compensation) {
    return step(step, context -> {
      O output = body.invoke(context);
      return new StepResponse<O, O>(output, output);
    }, compensation);
  }

  /** Runs a conditional step with a plain return type; empty if it was skipped. */
  public <O> Optional<O> valueStep(
      StepSpec step, Condition when, ValueBody<O> body, Compensation<? super O> compensation) {
    return shouldRun(step, when) ? Optional.ofNullable(valueStep(step, body, compensation)) : Optional.empty();
  }

  /** Runs a step that returns {@code void}. */
  public void voidStep(StepSpec step, VoidBody body, VoidCompensation compensation) {
    step(step, context -> {
      body.invoke(context);
      return VOID_RESPONSE;
    }, compensation == null ? null : (Void ignored, StepContext context) -> compensation.compensate(context));
  }

  /** Runs a conditional step that returns {@code void}. */
  public void voidStep(StepSpec step, Condition when, VoidBody body, VoidCompensation compensation) {
    if (shouldRun(step, when)) {
      voidStep(step, body, compensation);
    }
  }

  // ---------------------------------------------------------------- endings

  /** Ends a run whose steps all completed. */
  public <R> WorkflowResult<R> done(R result) {
    status = WorkflowStatus.DONE;
    log.debug("Workflow '{}' ({}) done", spec.name(), transactionId);
    restoreMdc();
    return new WorkflowResult<>(spec.name(), transactionId, WorkflowStatus.DONE, result, List.of());
  }

  /**
   * Ends a run that a failed step halted, after its compensations ran.
   *
   * @throws WorkflowFailedException unless {@link RunOptions#throwOnError()} is false
   */
  public <R> WorkflowResult<R> halted(Halt halt) {
    if (status == null || failure == null) {
      throw new IllegalStateException("workflow '" + spec.name() + "' was not halted by a failed step");
    }
    restoreMdc();
    WorkflowResult<R> result = new WorkflowResult<>(spec.name(), transactionId, status, null, errors);
    if (!options.throwOnError()) {
      return result;
    }
    WorkflowFailedException exception = new WorkflowFailedException(
        "Workflow '" + spec.name() + "' (transaction " + transactionId + ") ended " + status
            + ": step '" + failedStep + "' failed: " + failure,
        result, failure);
    for (StepError error : errors) {
      if (error.phase() == StepPhase.COMPENSATE) {
        exception.addSuppressed(error.cause());
      }
    }
    throw exception;
  }

  // ---------------------------------------------------------------- internals

  private boolean shouldRun(StepSpec step, Condition when) {
    String outerStep = enterStep(step);
    boolean run;
    try {
      run = when.test(new Context(step, 1, false));
    } catch (Throwable t) {
      rethrowIfFatal(t);
      log.debug("Workflow '{}' ({}) the @When condition of step '{}' threw", spec.name(), transactionId, step.name());
      throw fail(step, t, 1, null, null);
    } finally {
      restore(MDC_STEP, outerStep);
    }
    if (!run) {
      log.debug("Workflow '{}' ({}) step '{}' skipped by its condition", spec.name(), transactionId, step.name());
    }
    return run;
  }

  private <O, C> StepResponse<O, C> invoke(StepSpec step, StepBody<O, C> body, Compensation<? super C> compensation) {
    for (int attempt = 1; ; attempt++) {
      StepResponse<O, C> response;
      String outerStep = enterStep(step);
      try {
        response = body.invoke(new Context(step, attempt, false));
      } catch (Throwable t) {
        rethrowIfFatal(t);
        if (attempt < step.maxAttempts() && isRetryable(t)) {
          log.info("Workflow '{}' ({}) step '{}' failed on attempt {} of {}; retrying: {}",
              spec.name(), transactionId, step.name(), attempt, step.maxAttempts(), t.toString());
          continue;
        }
        throw fail(step, t, attempt, null, null);
      } finally {
        restore(MDC_STEP, outerStep);
      }
      if (response == null) {
        throw fail(step, new IllegalStateException("step '" + step.name()
            + "' returned null instead of a StepResponse; return new StepResponse<>(output) or StepResponse.permanentFailure(message)"),
            attempt, null, null);
      }
      if (response.isPermanentFailure()) {
        PermanentStepFailureException cause = new PermanentStepFailureException(response.failureMessage().orElseThrow());
        if (response.compensatesFailure() && compensation != null) {
          throw fail(step, cause, attempt, compensation, response.compensationInput());
        }
        throw fail(step, cause, attempt, null, null);
      }
      log.debug("Workflow '{}' ({}) step '{}' completed on attempt {}", spec.name(), transactionId, step.name(), attempt);
      return response;
    }
  }

  /**
   * Records the failure of {@code step}, compensates (the failing step itself first, if it handed
   * over partial work), and returns the {@link Halt} for the caller to throw.
   */
  private <C> Halt fail(StepSpec step, Throwable cause, int attempts, Compensation<? super C> own, C ownInput) {
    failure = cause;
    failedStep = step.name();
    errors = new ArrayList<>();
    errors.add(new StepError(step.name(), StepPhase.INVOKE, cause, attempts));
    // A failed step is the workflow working as designed (the saga undoes it), and its exception is
    // in the result: one line here, the stack trace at debug level.
    log.warn("Workflow '{}' ({}) step '{}' failed after {} attempt(s): {}; compensating {} step(s)",
        spec.name(), transactionId, step.name(), attempts, cause.toString(),
        completed.size() + (own == null ? 0 : 1));
    log.debug("Workflow '{}' ({}) step '{}' failure", spec.name(), transactionId, step.name(), cause);
    boolean allCompensated = true;
    if (own != null) {
      allCompensated = compensate(new Completed<C>(step, own, ownInput));
    }
    while (!completed.isEmpty()) {
      allCompensated &= compensate(completed.removeLast());
    }
    status = allCompensated ? WorkflowStatus.REVERTED : WorkflowStatus.FAILED;
    log.info("Workflow '{}' ({}) {}", spec.name(), transactionId, status);
    return HALT;
  }

  private <C> boolean compensate(Completed<C> done) {
    StepSpec step = done.step;
    for (int attempt = 1; ; attempt++) {
      String outerStep = enterStep(step);
      try {
        done.compensation.compensate(done.input, new Context(step, attempt, true));
        log.debug("Workflow '{}' ({}) step '{}' compensated on attempt {}", spec.name(), transactionId, step.name(), attempt);
        return true;
      } catch (Throwable t) {
        rethrowIfFatal(t);
        if (attempt < step.maxAttempts() && isRetryable(t)) {
          log.info("Workflow '{}' ({}) compensation of step '{}' failed on attempt {} of {}; retrying: {}",
              spec.name(), transactionId, step.name(), attempt, step.maxAttempts(), t.toString());
          continue;
        }
        errors.add(new StepError(step.name(), StepPhase.COMPENSATE, t, attempt));
        log.error("Workflow '{}' ({}) compensation of step '{}' failed after {} attempt(s); its work is not undone",
            spec.name(), transactionId, step.name(), attempt, t);
        return false;
      } finally {
        restore(MDC_STEP, outerStep);
      }
    }
  }

  private static boolean isRetryable(Throwable t) {
    if (t instanceof InterruptedException) {
      Thread.currentThread().interrupt();
      return false;
    }
    return !(t instanceof PermanentStepFailureException) && !Thread.currentThread().isInterrupted();
  }

  private static void rethrowIfFatal(Throwable t) {
    if (t instanceof VirtualMachineError) {
      throw (VirtualMachineError) t;
    }
  }

  /**
   * Sets the step's MDC key and returns its previous value, which the caller restores: a step may run
   * another workflow (or be called with the key already set), and must find its own value again.
   */
  private static String enterStep(StepSpec step) {
    String outer = MDC.get(MDC_STEP);
    MDC.put(MDC_STEP, step.name());
    return outer;
  }

  private void restoreMdc() {
    restore(MDC_TRANSACTION_ID, outerTransactionId);
    restore(MDC_WORKFLOW, outerWorkflow);
  }

  private static void restore(String key, String value) {
    if (value == null) {
      MDC.remove(key);
    } else {
      MDC.put(key, value);
    }
  }

  /** A completed step with its compensation and compensation input. */
  private static final class Completed<C> {
    final StepSpec step;
    final Compensation<? super C> compensation;
    final C input;

    Completed(StepSpec step, Compensation<? super C> compensation, C input) {
      this.step = step;
      this.compensation = compensation;
      this.input = input;
    }
  }

  /** The {@link StepContext} of one attempt. */
  private final class Context implements StepContext {
    private final StepSpec step;
    private final int attempt;
    private final boolean compensating;

    Context(StepSpec step, int attempt, boolean compensating) {
      this.step = step;
      this.attempt = attempt;
      this.compensating = compensating;
    }

    @Override public String transactionId() { return transactionId; }
    @Override public String workflowName() { return spec.name(); }
    @Override public String stepName() { return step.name(); }
    @Override public int attempt() { return attempt; }
    @Override public boolean compensating() { return compensating; }
    @Override public Container container() { return container; }

    @Override
    public String toString() {
      return "StepContext{workflow=" + spec.name() + ", transactionId=" + transactionId + ", step="
          + step.name() + ", attempt=" + attempt + (compensating ? ", compensating" : "") + "}";
    }
  }

  /**
   * Thrown by a step method after a failed step was compensated; the generated runner catches it
   * and calls {@link #halted(Halt)}. It carries no state and no stack trace. Not API.
   */
  public static final class Halt extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private Halt() {
      super("workflow halted by a failed step", null, false, false);
    }
  }
}
