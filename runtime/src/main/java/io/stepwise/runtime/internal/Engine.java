package io.stepwise.runtime.internal;

import io.stepwise.runtime.RunOptions;
import io.stepwise.runtime.WorkflowEngine;
import io.stepwise.runtime.WorkflowResult;
import io.stepwise.runtime.WorkflowWaitingException;
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
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
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
  /**
   * The runs that {@link #start()} resumed and that {@link #recovery()} has not counted yet, by
   * transaction id: what completes when the run begins to wait for a manual retry (it is then counted
   * as waiting, without waiting for its end).
   */
  private final ConcurrentHashMap<String, CompletableFuture<Void>> resumedWaits = new ConcurrentHashMap<>();
  /** The runs that {@link Registration#resume} resumes and that have not opened yet: see {@link #takeResuming}. */
  private final Set<String> resuming = ConcurrentHashMap.newKeySet();
  /** The manual retries' waits that the store records: see {@link RecordedWaits}. */
  final RecordedWaits waits = new RecordedWaits(this);
  /** The reverts of runs that ended: see {@link Reverts}. */
  private final Reverts reverts = new Reverts(this);
  private final AtomicInteger state = new AtomicInteger(NEW);
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
          log.warn("{}", Replay.definitionChanged(spec, header.get().fingerprint(), recorded));
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
      waitingRuns += waits.watch(registration);
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

  /** The registration of workflow {@code name}; null if no runner registered it. */
  Registration<?, ?> registration(String name) {
    return registrations.get(name);
  }

  /**
   * Whether this engine resumes run {@code transactionId} (after a crash, a wait's end, a revert),
   * which its record holds: then the run opens by reading it (see {@link Journal#open}). Forgets
   * it.
   */
  boolean takeResuming(String transactionId) {
    return resuming.remove(transactionId);
  }

  /** What completes when the run of this process that holds {@code transactionId} lets go of it; null if none does. */
  CompletableFuture<Void> claimOf(String transactionId) {
    return claims.get(transactionId);
  }

  /**
   * Waits for {@code write}, a compare-and-set of run {@code transactionId}'s status from {@code
   * from} in the store ({@code beginRevert}, {@code endWait}): its result, or false if it failed
   * because the status is no longer {@code from} (a conflict the database reported: another call
   * won). Blocks.
   *
   * @throws RuntimeException the store's failure, if the run is still {@code from} (or gone)
   */
  boolean compareAndSet(String transactionId, RunStatus from, CompletableFuture<Boolean> write) {
    try {
      return write.join();
    } catch (CompletionException e) {
      // the store's failure, or a compare-and-set that the database reported as a conflict: the record says which
      if (store.find(transactionId).map(h -> h.status() == from).orElse(true)) {
        throw e.getCause() instanceof RuntimeException cause ? cause : e;
      }
      return false;
    }
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
    while (System.nanoTime() - deadline < 0) {
      // one snapshot, tested and waited on: the last run may let go between two looks at the map,
      // and anyOf() of no future never completes
      CompletableFuture<?>[] inProgress = claims.values().toArray(CompletableFuture[]::new);
      if (inProgress.length == 0) {
        break;
      }
      try {
        CompletableFuture.anyOf(inProgress)
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
    waits.close();
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

    /** Ends the recorded wait of a run of this workflow: see {@link RecordedWaits#endWait}. */
    boolean endWait(String transactionId, String stepName, RecordedWaits.WaitEnd how) {
      return engine.waits.endWait(this, transactionId, stepName, how);
    }

    /** Reverts a run of this workflow: see {@link Reverts#revert}. */
    CompletableFuture<WorkflowResult<R>> revert(String transactionId, java.util.function.Predicate<String> inProgress) {
      return engine.reverts.revert(this, transactionId, inProgress);
    }

    @SuppressWarnings("unchecked") // the input was recorded with the spec's input type
    CompletableFuture<WorkflowResult<R>> resume(Object input, String transactionId) {
      engine.resuming.add(transactionId);
      return resumer.resume((I) input, RunOptions.builder().transactionId(transactionId).throwOnError(false).build());
    }
  }
}
