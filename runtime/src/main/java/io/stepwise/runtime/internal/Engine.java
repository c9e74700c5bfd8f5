package io.stepwise.runtime.internal;

import io.stepwise.runtime.ManualStepFailureException;
import io.stepwise.runtime.RunOptions;
import io.stepwise.runtime.WorkflowCancelledException;
import io.stepwise.runtime.WorkflowSuspendedException;
import io.stepwise.runtime.WorkflowTimeoutException;
import io.stepwise.runtime.WorkflowWaitingException;
import io.stepwise.runtime.WorkflowEngine;
import io.stepwise.runtime.WorkflowResult;
import io.stepwise.runtime.store.Checkpoint;
import io.stepwise.runtime.store.CheckpointKind;
import io.stepwise.runtime.store.RunHeader;
import io.stepwise.runtime.store.RunQuery;
import io.stepwise.runtime.store.RunStatus;
import io.stepwise.runtime.store.RunStore;
import io.stepwise.runtime.store.RunTypes;
import io.stepwise.runtime.store.StoredRun;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The {@link WorkflowEngine}. Not API: build one with {@link WorkflowEngine#builder()}. */
public final class Engine implements WorkflowEngine {
  private static final Logger log = LoggerFactory.getLogger(WorkflowEngine.class);
  final RunStore store;
  final Duration shutdownTimeout;
  private final Map<String, Registration<?, ?>> registrations = new ConcurrentHashMap<>();
  private final CompletableFuture<Recovery> recovery = new CompletableFuture<>();
  /** The transaction ids of the runs in progress in this process, each with what completes when it lets go. */
  private final ConcurrentHashMap<String, CompletableFuture<Void>> claims = new ConcurrentHashMap<>();
  /**
   * The runs of this process that returned DONE while their end was still being written (their last
   * step recorded its checkpoint with its work), by transaction id: what completes once it is written.
   */
  private final ConcurrentHashMap<String, CompletableFuture<Void>> endsBeingWritten = new ConcurrentHashMap<>();
  /** The reverts in progress in this process, by transaction id: concurrent reverts of one run share one. */
  private final ConcurrentHashMap<String, CompletableFuture<WorkflowResult<?>>> reverts = new ConcurrentHashMap<>();
  /**
   * The runs that {@link #start()} resumed and that {@link #recovery()} has not counted yet, by
   * transaction id: what completes when the run begins to wait for a manual retry (it is then counted
   * as waiting, without waiting for its end).
   */
  private final ConcurrentHashMap<String, CompletableFuture<Void>> resumedWaits = new ConcurrentHashMap<>();
  /** The timers that end recorded waits at their runs' deadlines, by transaction id. */
  private final ConcurrentHashMap<String, ScheduledFuture<?>> waitDeadlines = new ConcurrentHashMap<>();
  private final AtomicInteger state = new AtomicInteger(NEW);
  /** How often a revert reads a run's record again, as other reverts change it, before it gives up. */
  private static final int MAX_REVERT_READS = 100;
  private static final int NEW = 0;
  private static final int STARTED = 1;
  private static final int CLOSING = 2;
  private static final int CLOSED = 3;

  public Engine(RunStore store, Duration shutdownTimeout) {
    this.store = Objects.requireNonNull(store, "store");
    this.shutdownTimeout = Objects.requireNonNull(shutdownTimeout, "shutdownTimeout");
  }

  /** The engine behind {@code engine}. */
  static Engine of(WorkflowEngine engine) {
    if (engine instanceof Engine stepwise) {
      return stepwise;
    }
    throw new IllegalArgumentException("WorkflowEngine " + engine.getClass().getName()
        + " is not Stepwise's; build one with WorkflowEngine.builder()");
  }

  /** Registers a runner's workflow. */
  <I, R> Registration<I, R> register(WorkflowSpec spec, Resumer<I, R> resumer) {
    if (state.get() != NEW) {
      throw new IllegalStateException("create the runner of workflow '" + spec.name() + "' before WorkflowEngine.start(),"
          + " so that start() resumes its interrupted runs; this engine is " + (state.get() == STARTED ? "started" : "closed"));
    }
    if (spec.types() == null) {
      throw new IllegalArgumentException("the runner of workflow '" + spec.name() + "' was generated without the "
          + "types a durable run records; generate it again with this version of Stepwise");
    }
    Registration<I, R> registration = new Registration<>(this, spec, resumer);
    if (registrations.putIfAbsent(spec.name(), registration) != null) {
      throw new IllegalStateException("this WorkflowEngine already has a runner of workflow '" + spec.name()
          + "'; create one runner per workflow and engine, and share it (runners are thread-safe)");
    }
    return registration;
  }

  @Override
  public void start() {
    if (!state.compareAndSet(NEW, STARTED)) {
      throw new IllegalStateException("this WorkflowEngine was " + (state.get() == STARTED ? "started" : "closed")
          + " before; start() is called once");
    }
    List<CompletableFuture<WorkflowResult<?>>> resumed = new ArrayList<>();
    List<CompletableFuture<Void>> waiting = new ArrayList<>();
    int[] notResumed = new int[1];
    for (Registration<?, ?> registration : registrations.values()) {
      WorkflowSpec spec = registration.spec;
      for (String transactionId : store.unfinished(spec.name())) {
        Optional<RunHeader> header = store.find(transactionId);
        if (header.isEmpty()) {
          continue; // purged meanwhile
        }
        if (!header.get().fingerprint().equals(spec.fingerprint())) {
          notResumed[0]++;
          StoredRun recorded = store.load(RunTypes.untyped(spec.name()), transactionId).orElse(null);
          log.warn("{}", Journal.definitionChanged(spec, header.get().fingerprint(), recorded));
          continue;
        }
        Object input;
        try {
          input = store.load(spec.types(), transactionId).map(StoredRun::input).orElse(null);
        } catch (RuntimeException e) {
          notResumed[0]++;
          log.error("Workflow '{}': run '{}' cannot be resumed: its record cannot be read", spec.name(), transactionId, e);
          continue;
        }
        CompletableFuture<Void> waits = new CompletableFuture<>();
        resumedWaits.put(transactionId, waits); // before the resume: the run may wait at once
        waiting.add(waits);
        resumed.add(registration.resume(input, transactionId).<WorkflowResult<?>>thenApply(result -> result));
      }
    }
    int waitingRuns = 0;
    for (Registration<?, ?> registration : registrations.values()) {
      waitingRuns += watchWaits(registration);
    }
    if (waitingRuns > 0) {
      log.info("WorkflowEngine: {} run(s) wait for a manual retry (WAITING); retry or fail their steps, or cancel them",
          waitingRuns);
    }
    if (!resumed.isEmpty() || notResumed[0] > 0) {
      log.info("WorkflowEngine resumes {} interrupted run(s){}", resumed.size(),
          notResumed[0] == 0 ? "" : "; " + notResumed[0] + " recorded by another definition are left as they are");
    }
    // a resumed run is counted once it ends, or once it waits for a manual retry (its end may be far off)
    List<CompletableFuture<Object>> settled = new ArrayList<>();
    for (int i = 0; i < resumed.size(); i++) {
      settled.add(CompletableFuture.anyOf(resumed.get(i).handle((r, e) -> null), waiting.get(i)));
    }
    CompletableFuture.allOf(settled.toArray(CompletableFuture[]::new))
        .thenRun(() -> {
          int done = 0;
          int reverted = 0;
          int failed = 0;
          int suspended = 0;
          int waits = 0;
          for (CompletableFuture<WorkflowResult<?>> f : resumed) {
            if (!f.isDone()) {
              waits++;
              continue;
            }
            WorkflowResult<?> result = f.handle((r, e) -> r).join();
            if (result == null && WorkflowRun.failureOf(f) instanceof WorkflowWaitingException) {
              waits++; // it stopped at a recorded wait for a manual retry
            } else if (result == null) {
              suspended++;
            } else {
              switch (result.status()) {
                case DONE -> done++;
                case REVERTED -> reverted++;
                default -> failed++;
              }
            }
          }
          resumedWaits.clear();
          Recovery outcome = new Recovery(resumed.size(), done, reverted, failed, suspended, notResumed[0], waits);
          if (!resumed.isEmpty()) {
            log.info("WorkflowEngine recovery over: {}", outcome);
          }
          recovery.complete(outcome);
        });
  }

  /**
   * Run {@code transactionId} begins to wait for a manual retry: if {@link #start()} resumed it and
   * {@link #recovery()} has not counted it yet, it is counted as waiting.
   */
  void waiting(String transactionId) {
    CompletableFuture<Void> waits = resumedWaits.get(transactionId);
    if (waits != null) {
      waits.complete(null);
    }
  }

  // ---------------------------------------------------------------- recorded waits

  /** How a recorded wait for a manual retry ends. */
  enum WaitEnd {
    /** The runner's {@code retryXxx}: the step's next attempt. */
    RETRY,
    /** The runner's {@code failXxx}: the step fails with a {@link ManualStepFailureException}. */
    FAIL,
    /** A cancel of the run: the step fails with a {@link WorkflowCancelledException}. */
    CANCEL,
    /** The run's deadline passed: the step fails with a {@link WorkflowTimeoutException}. */
    DEADLINE
  }

  /**
   * Schedules the end of the recorded waits of {@code registration}'s workflow at their runs'
   * deadlines, for the runs that wait when the engine starts; returns how many runs wait.
   */
  private int watchWaits(Registration<?, ?> registration) {
    if (!store.recordsWaits()) {
      return 0;
    }
    int count = 0;
    for (int offset = 0; ; offset += RunQuery.MAX_LIMIT) {
      List<RunHeader> page = store.list(RunQuery.builder().workflowName(registration.spec.name())
          .statuses(RunStatus.WAITING).limit(RunQuery.MAX_LIMIT).offset(offset).build());
      for (RunHeader header : page) {
        count++;
        header.deadline().ifPresent(d -> parked(registration.spec.name(), header.transactionId(), d.toEpochMilli()));
      }
      if (page.size() < RunQuery.MAX_LIMIT) {
        return count;
      }
    }
  }

  /**
   * Run {@code transactionId} of {@code workflow} stopped at a recorded wait: if it has a deadline
   * ({@code deadlineMillis} on the wall clock, 0 for none), its wait ends then, unless the
   * application decides first.
   */
  void parked(String workflow, String transactionId, long deadlineMillis) {
    Registration<?, ?> registration = registrations.get(workflow);
    if (deadlineMillis <= 0 || registration == null || isClosing()) {
      return;
    }
    long delay = Math.max(0, deadlineMillis - System.currentTimeMillis());
    waitDeadlines.computeIfAbsent(transactionId, id -> Scheduling.timer().schedule(() -> {
      waitDeadlines.remove(id);
      CompletableFuture.runAsync(() -> {
        try {
          endWait(registration, id, null, WaitEnd.DEADLINE);
        } catch (RuntimeException e) {
          log.warn("Workflow '{}': the wait of run '{}' could not be ended at its deadline: {}; the next "
              + "WorkflowEngine.start() tries again", workflow, id, RunEvents.oneLine(e));
        }
      }, Scheduling.pool());
    }, delay, TimeUnit.MILLISECONDS));
  }

  /**
   * Ends the recorded wait of run {@code transactionId} of {@code registration}'s workflow at step
   * {@code stepName} (any step, when null): records the decision in the store, a compare-and-set
   * from {@link RunStatus#WAITING} so that of concurrent calls in any processes one ends it, then
   * resumes the run in this process, which replays its record and goes on from the decision. Blocks
   * on the store's read and write; does not wait for the resumed run.
   *
   * @return whether this call ended the wait: false if the run is unknown, of another workflow or
   *     definition, does not wait (it runs, ended, or its wait was ended first), or waits at another step
   */
  boolean endWait(Registration<?, ?> registration, String transactionId, String stepName, WaitEnd how) {
    WorkflowSpec spec = registration.spec;
    if (!store.recordsWaits() || isClosing()) {
      return false;
    }
    Optional<RunHeader> header = store.find(transactionId);
    if (header.isEmpty() || header.get().status() != RunStatus.WAITING
        || !header.get().workflowName().equals(spec.name()) || !header.get().fingerprint().equals(spec.fingerprint())) {
      return false;
    }
    StoredRun stored = store.load(spec.types(), transactionId).orElse(null);
    if (stored == null || stored.checkpoints().isEmpty()) {
      return false;
    }
    Checkpoint waiting = stored.checkpoints().get(0);
    for (Checkpoint c : stored.checkpoints()) {
      if (c.sequence() > waiting.sequence()) {
        waiting = c;
      }
    }
    if (waiting.kind() != CheckpointKind.STEP_WAITING || (stepName != null && !waiting.stepName().equals(stepName))) {
      return false;
    }
    Checkpoint decision = decision(spec, transactionId, waiting, how);
    boolean ended;
    try {
      ended = store.endWait(spec.types(), transactionId, decision).join();
    } catch (CompletionException e) {
      // the store's failure, or a compare-and-set that the database reported as a conflict: the record says which
      if (store.find(transactionId).map(h -> h.status() == RunStatus.WAITING).orElse(true)) {
        throw e.getCause() instanceof RuntimeException cause ? cause : e;
      }
      return false;
    }
    if (!ended) {
      return false;
    }
    ScheduledFuture<?> timer = waitDeadlines.remove(transactionId);
    if (timer != null && how != WaitEnd.DEADLINE) {
      timer.cancel(false);
    }
    log.info("Workflow '{}' ({}): the wait at step '{}' ended ({}); the run resumes", spec.name(), transactionId,
        waiting.stepName(), how);
    registration.resume(stored.input(), transactionId).whenComplete((result, error) -> {
      Throwable failure = WorkflowRun.unwrap(error);
      if (failure != null && !(failure instanceof WorkflowSuspendedException)) {
        log.error("Workflow '{}': run '{}' could not be resumed after its wait ended; the next WorkflowEngine.start() "
            + "resumes it", spec.name(), transactionId, failure);
      }
    });
    return true;
  }

  /** The checkpoint that ends the wait {@code waiting} as {@code how} says. */
  private static Checkpoint decision(WorkflowSpec spec, String transactionId, Checkpoint waiting, WaitEnd how) {
    int attempt = waiting.attempts();
    int next = waiting.sequence() + 1;
    if (how == WaitEnd.RETRY) {
      return Checkpoint.builder(next, CheckpointKind.RETRY_DECIDED, waiting.position(), waiting.stepName())
          .attempts(attempt).build();
    }
    StepSpec step = spec.steps().get(waiting.position());
    Throwable attemptError = Journal.restore(waiting.error().orElseThrow());
    Throwable failure = switch (how) {
      case FAIL -> ManualWait.failedByApplication(spec, transactionId, step, attempt, attemptError);
      case CANCEL -> new WorkflowCancelledException("workflow '" + spec.name() + "' (transaction " + transactionId
          + ") was cancelled while step '" + step.name() + "' waited for a manual retry after attempt " + attempt
          + " of " + step.maxAttempts() + " failed with " + RunEvents.oneLine(attemptError) + "; no further attempt "
          + "was started, and the completed steps are compensated");
      default -> new WorkflowTimeoutException("workflow '" + spec.name() + "' (transaction " + transactionId
          + ") passed its deadline while step '" + step.name() + "' waited for a manual retry after attempt "
          + attempt + " of " + step.maxAttempts() + " failed with " + RunEvents.oneLine(attemptError) + "; no "
          + "further attempt was started, and the completed steps are compensated");
    };
    return Checkpoint.builder(next, CheckpointKind.FAILURE_DECIDED, waiting.position(), waiting.stepName())
        .attempts(attempt).error(failure).build();
  }

  /** Refuses a new run once the engine is closing. */
  void checkAccepting(String workflow, String transactionId) {
    if (state.get() >= CLOSING) {
      throw new IllegalStateException("Workflow '" + workflow + "' (transaction " + transactionId
          + ") cannot start: its WorkflowEngine is closed");
    }
  }

  boolean isClosing() {
    return state.get() >= CLOSING;
  }

  /**
   * Claims {@code transactionId} for a run in this process: completes once it is the run's, at once
   * if no other run has it, else when the run that has it lets go.
   */
  CompletableFuture<Void> claim(String transactionId, CompletableFuture<Void> mine) {
    CompletableFuture<Void> other = claims.putIfAbsent(transactionId, mine);
    if (other == null) {
      return CompletableFuture.completedFuture(null);
    }
    return other.thenCompose(ignored -> claim(transactionId, mine));
  }

  /**
   * A run returned DONE before {@code written}, its end's write, completed: {@link #timeline} waits
   * for it until it does.
   */
  void endBeingWritten(String transactionId, CompletableFuture<Void> written) {
    endsBeingWritten.put(transactionId, written);
    written.whenComplete((ignored, error) -> endsBeingWritten.remove(transactionId, written));
  }

  /** The run that claimed {@code transactionId} with {@code mine} lets go of it. */
  void release(String transactionId, CompletableFuture<Void> mine) {
    claims.remove(transactionId, mine);
    mine.complete(null);
  }

  /**
   * Reverts run {@code transactionId} of a registered workflow, which ended {@code DONE}: begins the
   * revert in the store (a compare-and-set, so that of concurrent reverts in several processes one
   * begins it), then resumes the run, which replays its steps from the record and compensates them
   * as a compensating run does (see {@link Execution#endSteps()}); a crash in the middle leaves a
   * compensating run, which the next {@link #start()} finishes. A run that ended otherwise is
   * replayed, executing nothing. Concurrent reverts of one run in this process share one future.
   *
   * @param inProgress whether a run with the transaction id is in progress in this process (its
   *     runner's registry has it): such a run is refused, not awaited
   * @return completes with the run's result (REVERTED or FAILED, not thrown); exceptionally with an
   *     {@link IllegalArgumentException} for an unknown id (or one of another workflow, or of a child
   *     run), an {@link IllegalStateException} for a run that has not ended, is recorded by another
   *     definition, or is reverted by another process
   */
  @SuppressWarnings("unchecked") // the run's result has the registration's result type
  <I, R> CompletableFuture<WorkflowResult<R>> revert(Registration<I, R> registration, String transactionId,
      java.util.function.Predicate<String> inProgress) {
    Objects.requireNonNull(transactionId, "transactionId");
    CompletableFuture<WorkflowResult<?>> mine = new CompletableFuture<>();
    CompletableFuture<WorkflowResult<?>> other = reverts.putIfAbsent(transactionId, mine);
    if (other != null) {
      return other.thenApply(result -> (WorkflowResult<R>) result);
    }
    CompletableFuture.supplyAsync(() -> startRevert(registration, transactionId, inProgress), Scheduling.pool())
        .thenCompose(started -> started)
        .whenComplete((result, error) -> {
          reverts.remove(transactionId, mine);
          if (error != null) {
            mine.completeExceptionally(WorkflowRun.unwrap(error));
          } else {
            mine.complete(result);
          }
        });
    return mine.thenApply(result -> (WorkflowResult<R>) result);
  }

  /** Reads the run's record and begins its revert, or says why not; blocks on the store's reads. */
  private <I, R> CompletableFuture<WorkflowResult<R>> startRevert(Registration<I, R> registration, String transactionId,
      java.util.function.Predicate<String> inProgress) {
    WorkflowSpec spec = registration.spec;
    checkAccepting(spec.name(), transactionId);
    for (int read = 1; read <= MAX_REVERT_READS; read++) {
      RunHeader header = store.find(transactionId).orElseThrow(() -> new IllegalArgumentException("Workflow '"
          + spec.name() + "' has no recorded run with transaction id '" + transactionId + "', so there is nothing to "
          + "revert; pass the transaction id of a run of this workflow that ended DONE (an ended run is kept as long "
          + "as the store's retention)"));
      if (header.parentTransactionId().isPresent()) {
        throw new IllegalArgumentException("Run '" + transactionId + "' of workflow '" + header.workflowName()
            + "' is a child workflow's run of parent run '" + header.parentTransactionId().get() + "'; a child is "
            + "compensated as a unit with its parent: revert the parent run");
      }
      if (!header.workflowName().equals(spec.name())) {
        throw new IllegalArgumentException("Run '" + transactionId + "' is a run of workflow '" + header.workflowName()
            + "', not of '" + spec.name() + "'; revert it with the runner of '" + header.workflowName() + "'");
      }
      if (!header.fingerprint().equals(spec.fingerprint())) {
        throw new IllegalStateException(Journal.definitionChanged(spec, header.fingerprint(),
            store.load(RunTypes.untyped(spec.name()), transactionId).orElse(null)));
      }
      StoredRun stored = store.load(spec.types(), transactionId).orElse(null);
      if (stored == null) {
        continue; // purged since: the next read says so
      }
      RunStatus status = stored.status();
      boolean revertBegun = stored.checkpoints().stream().anyMatch(c -> c.kind() == CheckpointKind.REVERT_BEGUN);
      if (status == RunStatus.DONE) {
        if (beginRevert(spec, stored)) {
          return registration.resume(stored.input(), transactionId);
        }
        continue; // another revert began it meanwhile (in another process): what it came to is read again
      }
      if (status.isEnded()) {
        return registration.resume(stored.input(), transactionId); // replays its end, executing nothing
      }
      CompletableFuture<Void> here = claims.get(transactionId);
      if (here != null && (revertBegun || !inProgress.test(transactionId))) {
        // a revert resumed by start(), or a run that has just ended and is still writing its end: wait
        // for it (on a thread of the pool, which grows as it needs)
        here.handle((ignored, error) -> null).join();
        continue;
      }
      if (revertBegun) {
        throw new IllegalStateException("Run '" + transactionId + "' of workflow '" + spec.name() + "' is being "
            + "reverted, by another process on the same store, or by a revert that a crash or a closed engine "
            + "interrupted (the next WorkflowEngine.start() on the store finishes that one); its compensations are not "
            + "run twice: call revert again once it has ended to get its result");
      }
      throw new IllegalStateException("Run '" + transactionId + "' of workflow '" + spec.name() + "' has not ended ("
          + status + "), and revert only reverts a run that ended DONE; "
          + switch (status) {
            case RUNNING -> "to stop a run in progress and compensate its completed steps, call cancel(transactionId) in "
                + "the process that runs it";
            case WAITING -> "it waits for a manual retry: to compensate its completed steps, call cancel(transactionId) "
                + "or its step's fail method, from any process on the store";
            default -> "it is compensating after a failed step, and ends REVERTED or FAILED by itself";
          });
    }
    throw new IllegalStateException("Run '" + transactionId + "' of workflow '" + spec.name() + "' changed under "
        + MAX_REVERT_READS + " reads of its record in a row (its store says it is DONE but will not begin its "
        + "revert); nothing was reverted");
  }

  /**
   * Begins the revert of a DONE run in the store: true if this call began it, false if the run is no
   * longer DONE (another revert began it first).
   */
  private boolean beginRevert(WorkflowSpec spec, StoredRun stored) {
    int next = 0;
    for (Checkpoint c : stored.checkpoints()) {
      next = Math.max(next, c.sequence() + 1);
    }
    int last = spec.steps().size() - 1;
    Checkpoint begun = Checkpoint.builder(next, CheckpointKind.REVERT_BEGUN, last, spec.steps().get(last).name())
        .build();
    try {
      return store.beginRevert(spec.types(), stored.transactionId(), begun).join();
    } catch (CompletionException e) {
      // the store's failure, or a compare-and-set that the database reported as a conflict: the
      // record says which
      if (store.find(stored.transactionId()).map(h -> h.status() == RunStatus.DONE).orElse(true)) {
        throw e;
      }
      return false;
    }
  }

  @Override
  public CompletableFuture<Recovery> recovery() {
    return recovery;
  }

  @Override
  public Optional<StoredRun> timeline(String transactionId) {
    // read your writes: a run that returned DONE in this process has an end in its timeline
    CompletableFuture<Void> ending = endsBeingWritten.get(transactionId);
    if (ending != null) {
      ending.join(); // never fails: the Journal's end write handles its own error
    }
    return store.find(transactionId).flatMap(header -> store.load(RunTypes.untyped(header.workflowName()), transactionId));
  }

  @Override
  public List<RunHeader> list(RunQuery query) {
    return store.list(query);
  }

  @Override
  public RunStore store() {
    return store;
  }

  @Override
  public void close() {
    int before = state.getAndUpdate(s -> s == CLOSED ? CLOSED : CLOSING);
    if (before >= CLOSING) {
      return;
    }
    long deadline = System.nanoTime() + shutdownTimeout.toNanos();
    while (!claims.isEmpty() && System.nanoTime() - deadline < 0) {
      try {
        CompletableFuture.anyOf(claims.values().toArray(CompletableFuture[]::new))
            .get(Math.max(1, (deadline - System.nanoTime()) / 1_000_000), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      } catch (ExecutionException | TimeoutException e) {
        // go on waiting for the others, or give up at the deadline
      }
    }
    if (!claims.isEmpty()) {
      log.warn("WorkflowEngine closes with {} run(s) still in progress after {}; their last checkpoints stay, and the "
          + "next engine resumes them", claims.size(), shutdownTimeout);
    }
    waitDeadlines.values().forEach(timer -> timer.cancel(false));
    waitDeadlines.clear();
    state.set(CLOSED);
    store.close();
  }

  /** One workflow registered with an engine: its spec, and how to resume its runs. */
  static final class Registration<I, R> {
    final Engine engine;
    final WorkflowSpec spec;
    final Resumer<I, R> resumer;

    Registration(Engine engine, WorkflowSpec spec, Resumer<I, R> resumer) {
      this.engine = engine;
      this.spec = spec;
      this.resumer = resumer;
    }

    /** Ends the recorded wait of a run of this workflow: see {@link Engine#endWait}. */
    boolean endWait(String transactionId, String stepName, WaitEnd how) {
      return engine.endWait(this, transactionId, stepName, how);
    }

    /** Reverts a run of this workflow: see {@link Engine#revert}. */
    CompletableFuture<WorkflowResult<R>> revert(String transactionId, java.util.function.Predicate<String> inProgress) {
      return engine.revert(this, transactionId, inProgress);
    }

    @SuppressWarnings("unchecked") // the input was recorded with the spec's input type
    CompletableFuture<WorkflowResult<R>> resume(Object input, String transactionId) {
      return resumer.resume((I) input, RunOptions.builder().transactionId(transactionId).throwOnError(false).build());
    }
  }
}
