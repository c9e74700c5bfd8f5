package io.stepwise.runtime.internal;

import io.stepwise.runtime.StepError;
import io.stepwise.runtime.StepPhase;
import io.stepwise.runtime.WorkflowEngine;
import io.stepwise.runtime.WorkflowFailedException;
import io.stepwise.runtime.WorkflowResult;
import io.stepwise.runtime.WorkflowStatus;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The runs of one runner that are in progress, so that they can be cancelled; and the transaction
 * ids of runs that {@code runAsync} has queued on an executor but that have not started yet, so
 * that a cancel right after {@code runAsync} is not lost. Not API.
 *
 * <p>A synchronous run begins and ends on one thread, after the runs it started there (a workflow
 * run inside a step) and before the run that started it: it is kept on that thread's own stack of
 * runs, which only that thread writes, so that registering costs a thread-local lookup and two
 * writes, not an insert into a shared map. An asynchronous run, which ends on another thread, is
 * kept in a concurrent set. A cancel looks in both.
 */
public final class RunRegistry {
  /**
   * The child runs in progress in this process that waited for a manual retry, by transaction id. A
   * child run is in no runner's registry (its parent's step holds it), so the {@code retryXxx} and
   * {@code failXxx} of any runner of the child's workflow find it here.
   */
  private static final Map<String, Execution> WAITING_CHILDREN = new ConcurrentHashMap<>();

  /** The workflow's registration with its engine; null for a runner made without one. */
  final Engine.Registration<?, ?> durable;
  /** The runner's workflow; null for a registry made by {@link #RunRegistry()}, which finds no child run. */
  private final String workflow;

  /** The runs of a runner made without an engine: they live in memory only. */
  public RunRegistry() {
    this(null, null);
  }

  private RunRegistry(Engine.Registration<?, ?> durable, String workflow) {
    this.durable = durable;
    this.workflow = workflow;
  }

  /**
   * The registry of a runner: bound to {@code engine} (which records and resumes its runs) when it is
   * not null, else an in-memory one. Generated constructors call it with {@code this::runAsync} as
   * the {@code resumer}.
   *
   * @throws IllegalStateException if the engine already has a runner of this workflow, or has started
   * @throws IllegalArgumentException if the runner was generated without the types a durable run records
   */
  public static <I, R> RunRegistry of(WorkflowEngine engine, WorkflowSpec spec, Resumer<I, R> resumer) {
    if (engine == null) {
      return new RunRegistry(null, spec.name());
    }
    return new RunRegistry(Engine.of(engine).register(spec, resumer), spec.name());
  }
  private final Set<Execution> hopping = ConcurrentHashMap.newKeySet();
  private final ThreadLocal<ThreadRuns> local = new ThreadLocal<>();
  private final Queue<ThreadRuns> threads = new ConcurrentLinkedQueue<>();
  /** Queued runs by transaction id, each with whether a cancel came for it before it started. */
  private final Map<String, AtomicBoolean> queued = new ConcurrentHashMap<>();

  /**
   * A run with this transaction id is queued: a cancel for it is kept until it starts ({@link
   * #add}), or until {@link #unqueue} when it never does.
   */
  Object queue(String transactionId) {
    AtomicBoolean token = new AtomicBoolean();
    queued.put(transactionId, token);
    return token;
  }

  /**
   * The queued run will not start (its executor refused it, or it failed first): forgets its entry,
   * and only its own (another run queued with the same id keeps its entry).
   */
  void unqueue(String transactionId, Object token) {
    queued.remove(transactionId, token);
  }

  /**
   * Registers the run: returns where a synchronous run is kept (its thread's stack of runs), which
   * {@link #remove} takes, so that the end of a run needs no thread-local lookup; null for an
   * asynchronous run.
   */
  Object add(Execution run) {
    ThreadRuns mine = null;
    if (run.driver() == Driver.BLOCKING) {
      mine = local.get();
      if (mine == null) {
        mine = new ThreadRuns(Thread.currentThread());
        local.set(mine);
        threads.removeIf(ThreadRuns::isAbandoned);
        threads.add(mine);
      }
      mine.push(run);
    } else {
      hopping.add(run);
    }
    if (!queued.isEmpty()) { // the common case: no runAsync with a given transaction id is waiting to start
      AtomicBoolean cancelledWhileQueued = queued.remove(run.transactionId());
      if (cancelledWhileQueued != null && cancelledWhileQueued.get()) {
        run.cancel(); // stops before its first step
      }
    }
    return mine;
  }

  /** Unregisters the run; {@code place} is what {@link #add} returned (null if the run was never added). */
  void remove(Execution run, Object place) {
    if (run.driver() != Driver.BLOCKING) {
      hopping.remove(run);
    } else if (place != null) {
      ((ThreadRuns) place).remove(run);
    }
  }

  /**
   * Asks every run in progress with this transaction id to stop after its current step and
   * compensate, and a queued one to stop before its first; returns whether there was one.
   */
  public boolean cancel(String transactionId) {
    boolean found = false;
    AtomicBoolean waiting = queued.get(transactionId);
    if (waiting != null) {
      waiting.set(true);
      found = true;
    }
    for (Execution run : runsWith(transactionId)) {
      found |= run.cancel(); // a run that has just ended may still be listed: its steps are over, and it says no
    }
    if (!found && durable != null) {
      found = durable.endWait(transactionId, null, RecordedWaits.WaitEnd.CANCEL); // a run whose wait is recorded
    }
    return found;
  }

  /** A step of a child run waits for a manual retry: the child's runners find it until it ends ({@link #childEnded}). */
  static void childWaits(Execution child) {
    WAITING_CHILDREN.put(child.transactionId(), child);
  }

  /** A child run that waited ended (or stopped): no runner finds it any more. */
  static void childEnded(Execution child) {
    WAITING_CHILDREN.remove(child.transactionId(), child);
  }

  /** The runs in progress in this process with this transaction id (a run that has just ended may still be one). */
  private List<Execution> runsWith(String transactionId) {
    List<Execution> found = new ArrayList<>(1);
    for (Execution run : hopping) {
      if (run.transactionId().equals(transactionId)) {
        found.add(run);
      }
    }
    for (ThreadRuns runs : threads) {
      for (Execution run : runs.snapshot()) {
        if (run != null && run.transactionId().equals(transactionId)) {
          found.add(run);
        }
      }
    }
    return found;
  }

  /**
   * Retries step {@code step} of the run in progress with this transaction id, which waits at it after
   * a failed attempt ({@code @Step(autoRetry = false)}): the step's next attempt begins, on the run's
   * executor (or, in a synchronous run, on the thread that waits in {@code run}). The generated
   * runner's {@code retryXxx}.
   *
   * @return whether a run with this transaction id waited at that step in this process: false for an
   *     unknown or ended run, a run that does not wait at that step (it runs, or waits at another), and
   *     a wait that a retry, a fail, a cancel or the deadline already ended
   */
  public boolean retryStep(String transactionId, String step) {
    return decide(transactionId, step, RecordedWaits.WaitEnd.RETRY);
  }

  /**
   * Fails step {@code step} of the run in progress with this transaction id, which waits at it after a
   * failed attempt, for good, with a {@link io.stepwise.runtime.ManualStepFailureException}: the run
   * then compensates (or goes on, as the step's failure options say). The generated runner's {@code
   * failXxx}.
   *
   * @return whether a run with this transaction id waited at that step in this process, as for {@link #retryStep}
   */
  public boolean failStep(String transactionId, String step) {
    return decide(transactionId, step, RecordedWaits.WaitEnd.FAIL);
  }

  private boolean decide(String transactionId, String step, RecordedWaits.WaitEnd how) {
    java.util.Objects.requireNonNull(transactionId, "transactionId");
    ManualWait.Decision decision = how == RecordedWaits.WaitEnd.RETRY ? ManualWait.Decision.RETRY : ManualWait.Decision.FAIL;
    for (Execution run : runsWith(transactionId)) {
      if (run.decide(step, decision)) {
        return true;
      }
    }
    Execution child = WAITING_CHILDREN.get(transactionId);
    if (child != null && child.spec().name().equals(workflow) && child.decide(step, decision)) {
      return true;
    }
    // a run whose wait is recorded is held by no process: its decision goes to the store
    return durable != null && durable.endWait(transactionId, step, how);
  }

  /**
   * Reverts the run with this transaction id, which ended {@code DONE}: compensates its completed
   * steps in reverse order of completion with their recorded compensation inputs; see the generated
   * runner's {@code revert}. Waits for the revert's end.
   *
   * @throws WorkflowFailedException if the run's record ends {@code FAILED} (a compensation failed
   *     after its retries): its {@code result()} lists the errors
   * @throws IllegalStateException if the runner has no engine, or the run has not ended, is being
   *     reverted by another process, or was recorded by another definition of the workflow
   * @throws IllegalArgumentException if no run of this workflow has that transaction id
   * @throws io.stepwise.runtime.WorkflowSuspendedException if the engine closed (or its store failed)
   *     during the revert: the next {@code WorkflowEngine.start()} finishes it
   */
  public <R> WorkflowResult<R> revert(String transactionId) {
    return WorkflowRun.await(revertAsync(transactionId));
  }

  /**
   * Reverts the run with this transaction id, as {@link #revert} does, without blocking the caller:
   * the future completes with the result, or exceptionally with what {@link #revert} throws.
   *
   * @throws IllegalStateException if the runner has no engine (at once)
   */
  @SuppressWarnings("unchecked") // the engine's registration has the runner's result type
  public <R> CompletableFuture<WorkflowResult<R>> revertAsync(String transactionId) {
    if (durable == null) {
      throw new IllegalStateException("revert needs the run's record, and this runner keeps none: bind the runner to "
          + "a WorkflowEngine (XRunner.create(container, engine)), whose store records its runs, to revert them");
    }
    return ((Engine.Registration<?, R>) durable).revert(transactionId, this::inProgress)
        .thenApply(RunRegistry::throwIfFailed);
  }

  /** The result of a revert, unless it ended FAILED: then the exception that says which compensations failed. */
  private static <R> WorkflowResult<R> throwIfFailed(WorkflowResult<R> result) {
    if (result.status() != WorkflowStatus.FAILED) {
      return result;
    }
    Throwable cause = null;
    StringBuilder steps = new StringBuilder();
    for (StepError error : result.errors()) {
      if (error.phase() == StepPhase.COMPENSATE) {
        steps.append(steps.length() == 0 ? "'" : ", '").append(error.step()).append('\'');
        cause = cause == null ? error.cause() : cause;
      }
    }
    if (cause == null && !result.errors().isEmpty()) {
      cause = result.errors().get(0).cause();
    }
    WorkflowFailedException failed = new WorkflowFailedException("Workflow '" + result.workflowName()
        + "' (transaction " + result.transactionId() + ") ended FAILED"
        + (steps.length() == 0 ? "" : ": the compensation of step(s) " + steps + " failed after its retries")
        + "; its work is not all undone, see result().errors()", result, cause);
    for (StepError error : result.errors()) {
      if (error.phase() == StepPhase.COMPENSATE && error.cause() != cause) {
        failed.addSuppressed(error.cause());
      }
    }
    throw new java.util.concurrent.CompletionException(failed);
  }

  /** Whether a run with this transaction id is in progress in this process (its steps not over). */
  private boolean inProgress(String transactionId) {
    return !runsWith(transactionId).isEmpty();
  }

  /**
   * The synchronous runs in progress on one thread, the innermost last. Only that thread writes (or a
   * thread it waits for, ending one of its runs); the count is published with release semantics, so
   * that a cancel on another thread sees every run it counts.
   */
  private static final class ThreadRuns {
    private static final VarHandle SIZE;

    static {
      try {
        SIZE = MethodHandles.lookup().findVarHandle(ThreadRuns.class, "size", int.class);
      } catch (ReflectiveOperationException e) {
        throw new ExceptionInInitializerError(e);
      }
    }

    private final WeakReference<Thread> owner;
    private volatile Execution[] runs = new Execution[4];
    private volatile int size;

    ThreadRuns(Thread owner) {
      this.owner = new WeakReference<>(owner);
    }

    void push(Execution run) {
      int n = size;
      Execution[] array = runs;
      if (n == array.length) {
        array = Arrays.copyOf(array, 2 * n);
        runs = array;
      }
      array[n] = run;
      SIZE.setRelease(this, n + 1);
    }

    /** Removes the run: the innermost, unless a run on this thread ended without saying so. */
    void remove(Execution run) {
      int n = size;
      Execution[] array = runs;
      for (int i = n - 1; i >= 0; i--) {
        if (array[i] == run) {
          System.arraycopy(array, i + 1, array, i, n - 1 - i);
          SIZE.setRelease(this, n - 1);
          array[n - 1] = null;
          return;
        }
      }
    }

    Execution[] snapshot() {
      int n = size;
      return Arrays.copyOf(runs, n);
    }

    /** Whether the thread is gone and left no run behind: nobody will use these again. */
    boolean isAbandoned() {
      Thread thread = owner.get();
      return (thread == null || !thread.isAlive()) && size == 0;
    }
  }
}
