package io.stepwise.runtime.internal;

import io.stepwise.runtime.WorkflowSuspendedException;
import io.stepwise.runtime.WorkflowWaitingException;
import io.stepwise.runtime.store.BeginResult;
import io.stepwise.runtime.store.Checkpoint;
import io.stepwise.runtime.store.CheckpointKind;
import io.stepwise.runtime.store.NewRun;
import io.stepwise.runtime.store.RunEnd;
import io.stepwise.runtime.store.RunError;
import io.stepwise.runtime.store.RunHeader;
import io.stepwise.runtime.store.RunStatus;
import io.stepwise.runtime.store.RunStoreException;
import io.stepwise.runtime.store.RunUpdate;
import io.stepwise.runtime.store.StoredRun;
import io.stepwise.runtime.store.UnrecordableValueException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a durable run records in its engine's store, and what it replays from there. Not API.
 *
 * <h2>Recording</h2>
 *
 * One write when the run begins ({@link #open}), one per step outcome (completed, skipped by its
 * condition, failed with a tolerated failure), one when a failure halts the run, one per
 * compensation, and one at the end. The last step's checkpoint waits for the run's end and goes
 * with it, in one write. Each write is durable before the run goes on (the caller waits on its
 * driver). Checkpoints are numbered in the order the outcomes came, which is also the order in which
 * a parallel group's steps completed.
 *
 * <h2>Replay</h2>
 *
 * A run whose transaction id is recorded already runs its generated steps from the top, against its
 * record: a step with a recorded outcome takes it (its output flows on, its compensation goes back
 * on the stack) without calling user code; a recorded compensation is not run again; the first step
 * without an outcome runs. A step that runs a child workflow is the exception: its body runs again
 * (the mapping of the child's input is called again), and the child, whose transaction id is the
 * same, replays its own record: so the parent gets the child's compensations back, to compensate the
 * child as a unit.
 *
 * <h2>Stopping without an end</h2>
 *
 * A write that fails (the store's database is down), or an engine that closes, stops the run at its
 * next checkpoint without compensating anything: its record says how far it got, and the next
 * engine resumes it. The run's caller gets a {@link WorkflowSuspendedException}.
 *
 * <p>The recorded run that a replay takes from is a {@link Replay}. The rest stays one class, over
 * the 400 lines the project aims at, because opening the record, recording and stopping without an
 * end share the run's claim of its transaction id, its checkpoint numbers and its suspension.
 */
final class Journal {
  private static final Logger log = LoggerFactory.getLogger(WorkflowRun.class);

  private final Engine engine;
  private final Execution run;
  private final WorkflowSpec spec;
  /** The parent run's journal, for a child workflow's run; null for a top-level run. */
  private final Journal parent;
  private final AtomicInteger sequence = new AtomicInteger();
  /** Completes when this run lets go of its transaction id in this process. */
  private final CompletableFuture<Void> claim = new CompletableFuture<>();
  /** What was recorded before this run began; null for a run recorded for the first time. */
  private Replay replay;
  /** The last step's checkpoint, written with the run's end; null if there is none waiting. */
  private Checkpoint pending;
  private volatile WorkflowSuspendedException suspension;
  private volatile boolean released;
  private volatile boolean logged;
  /** The end's write of a run that did not wait for it; null otherwise. */
  private volatile CompletableFuture<Void> endWrite;
  /**
   * The beginning of a run with a fresh id, not written yet: its first write carries it (see
   * {@link #carryBeginning}); null once written or taken, and for a run that read its record as it opened.
   */
  private NewRun beginning;
  /** The beginning's write, once asked for; what later callers of {@link #writeBeginning} wait for. */
  private CompletableFuture<Void> begunWrite;
  /** Completes when the write that carries the beginning with a step's work ends; null when none does. */
  private CompletableFuture<Void> carrying;
  /**
   * Whether the beginning not written yet may find its run recorded: a top-level run with a given
   * transaction id, opened without reading its record (see {@link #open}); false for a fresh id,
   * and once a write showed the run to be new.
   */
  private boolean mayBeRecorded;
  /**
   * Why the run may not replay the record its beginning found (another input, another definition):
   * what its caller gets instead of a {@link WorkflowSuspendedException}; null otherwise.
   */
  private volatile RuntimeException refusal;

  /** The run begins to wait for a manual retry: the engine's recovery counts a top-level run it resumed as waiting. */
  void waiting() {
    if (parent == null) {
      engine.waiting(run.transactionId());
    }
  }

  private Journal(Engine engine, Execution run, Journal parent) {
    this.engine = engine;
    this.run = run;
    this.spec = run.spec();
    this.parent = parent;
  }

  /**
   * The journal of {@code run}: through its runner's registration for a top-level run, through its
   * parent's journal for a child; null for a run that is not recorded.
   */
  static Journal of(Execution run, RunRegistry registry, Execution parentRun) {
    if (parentRun != null) {
      Journal parent = parentRun.journal;
      if (parent == null) {
        return null;
      }
      if (run.spec().types() == null) {
        throw new IllegalStateException("child workflow '" + run.spec().name() + "' of durable workflow '"
            + parentRun.spec().name() + "' was generated without the types a durable run records; generate "
            + "it again with this version of Stepwise");
      }
      return new Journal(parent.engine, run, parent);
    }
    return registry == null || registry.durable == null ? null : new Journal(registry.durable.engine, run, null);
  }

  // ---------------------------------------------------------------- opening

  /**
   * Claims the run's transaction id in this process (waiting for a run in progress with the same
   * id to let go of it), then records the run's beginning, or finds its record and prepares its
   * replay. Completes on the store's thread, or at once.
   */
  CompletableFuture<Void> open(Object input, boolean freshId) {
    if (parent == null) {
      engine.checkAccepting(spec.name(), run.transactionId());
    }
    if (freshId) {
      // No run can have an id the engine just drew: nothing to find, nothing to wait for. The
      // beginning goes with the run's first write (see carryBeginning): a first step whose work is
      // in the store's transaction commits it with its own checkpoint, in one commit.
      engine.claim(run.transactionId(), claim);
      beginning = newRun(input);
      return CompletableFuture.completedFuture(null);
    }
    CompletableFuture<Void> claimed = engine.claim(run.transactionId(), claim);
    CompletableFuture<Void> opened;
    if (parent == null && !engine.takeResuming(run.transactionId()) && !run.hasListeners()) {
      // A given id names a new run far more often than a recorded one (a request's key, repeated
      // only when an answer was lost): its beginning goes with its first write, as a fresh id's,
      // and that write, finding the run recorded, reads the record to replay it before any step
      // acts (see writeBeginning). Not for a run that the engine resumes (its record is there),
      // nor for a run with listeners, which would hear its first step begin before the replay.
      opened = claimed.thenRun(() -> {
        synchronized (this) {
          beginning = newRun(input);
          mayBeRecorded = true;
        }
      });
    } else {
      opened = claimed.thenCompose(ignored -> begin(input));
    }
    return opened.whenComplete((ignored, error) -> {
      if (error != null) {
        release();
      }
    });
  }

  private NewRun newRun(Object input) {
    NewRun.Builder newRun = NewRun.builder(run.transactionId(), spec.fingerprint()).input(input);
    if (run.deadline().epochMillis > 0) {
      newRun.deadline(Instant.ofEpochMilli(run.deadline().epochMillis));
    }
    if (parent != null) {
      newRun.parentTransactionId(parent.run.transactionId());
    }
    return newRun.build();
  }

  private CompletableFuture<Void> begin(Object input) {
    CompletableFuture<BeginResult> begun;
    try {
      begun = engine.store.begin(spec.types(), newRun(input));
    } catch (RuntimeException e) {
      begun = CompletableFuture.failedFuture(e);
    }
    return begun.handle((result, error) -> {
      if (error != null) {
        throw new CompletionException(explain(WorkflowRun.unwrap(error)));
      }
      if (!result.isCreated()) {
        replayFrom(result);
      }
      return null;
    });
  }

  /** A recorded run that this run may not replay: another definition, or another input. */
  private void checkSameRun(StoredRun existing, boolean sameInput) {
    RunHeader header = existing.header();
    if (!header.fingerprint().equals(spec.fingerprint())) {
      throw new IllegalStateException(Replay.definitionChanged(spec, header.fingerprint(), existing));
    }
    if (!sameInput && parent == null) {
      throw new IllegalArgumentException("Workflow '" + spec.name() + "' already has a run with transaction id '"
          + run.transactionId() + "' (" + header.status() + "), with another input; a transaction id names one run: "
          + "give this input another transaction id, or repeat the first input to get that run's result");
    }
  }

  /** The store's failure, or why it could not read the record: another definition. */
  private Throwable explain(Throwable error) {
    if (error instanceof RunStoreException) {
      try {
        Optional<RunHeader> header = engine.store.find(run.transactionId());
        if (header.isPresent() && header.get().workflowName().equals(spec.name())
            && !header.get().fingerprint().equals(spec.fingerprint())) {
          return new IllegalStateException(Replay.definitionChanged(spec, header.get().fingerprint(), null), error);
        }
      } catch (RuntimeException ignored) {
        // the original error says what went wrong
      }
    }
    return error;
  }

  /** The store the run is recorded in. */
  io.stepwise.runtime.store.RunStore store() {
    return engine.store;
  }

  /**
   * Whether the run's beginning is not durable yet (not written, or its write not done): a step
   * that acts outside the store waits for {@link #writeBeginning()} first. A step of a first group
   * whose sibling took the beginning waits for that sibling's write.
   */
  synchronized boolean unbegun() {
    return beginning != null || carrying != null || (begunWrite != null && !begunWrite.isDone());
  }

  /**
   * Writes the run's beginning now, if it was not written; completes when it is durable (at once if
   * it was). A failure stops the run at its next checkpoint.
   */
  synchronized CompletableFuture<Void> writeBeginning() {
    if (beginning == null && carrying != null) {
      // a first step carries it with its work: once that write is over, the beginning is durable,
      // or back here to be written
      return carrying.thenCompose(ignored -> writeBeginning());
    }
    NewRun first = beginning;
    beginning = null;
    if (first == null) {
      return begunWrite == null ? CompletableFuture.completedFuture(null) : begunWrite;
    }
    CompletableFuture<BeginResult> begun;
    try {
      begun = engine.store.begin(spec.types(), first); // enqueued before any write that comes after
    } catch (RuntimeException e) {
      begun = CompletableFuture.failedFuture(e);
    }
    boolean mayFind = mayBeRecorded;
    begunWrite = begun.handle((result, error) -> {
      if (error == null && !result.isCreated()) {
        if (mayFind) {
          found(result);
          return null;
        }
        error = new RunStoreException("run '" + run.transactionId() + "' was recorded already");
      }
      if (error != null) {
        Throwable cause = WorkflowRun.unwrap(error);
        Throwable explained = mayFind ? explain(cause) : cause;
        if (explained != cause) {
          refuse((RuntimeException) explained); // a recorded run of another definition
        } else {
          suspend(cause, "its store could not record its beginning");
        }
      }
      return null;
    });
    return begunWrite;
  }

  /**
   * The beginning of a run with a given id found the run recorded, before any step acted: the run
   * replays the record from its first step, as one opened with {@link #begin} does; or, if it may
   * not (another input, another definition), it stops there, and its caller gets the refusal.
   */
  private void found(BeginResult result) {
    try {
      replayFrom(result);
    } catch (RuntimeException e) {
      refuse(e);
    }
  }

  /**
   * Prepares the replay of the recorded run that a beginning found: its checkpoints, its next
   * sequence number, its deadline.
   *
   * @throws RuntimeException if this run may not replay it (see {@link #checkSameRun})
   */
  private void replayFrom(BeginResult result) {
    StoredRun existing = result.existing().orElseThrow();
    checkSameRun(existing, result.sameInput());
    Replay recorded = new Replay(existing);
    sequence.set(recorded.nextSequence);
    existing.header().deadline().ifPresent(run::restoreDeadline);
    replay = recorded;
  }

  /** The run may not replay the recorded run it found: it stops, and its caller gets {@code why}. */
  private void refuse(RuntimeException why) {
    refusal = why;
    suspend(why, "its transaction id names a recorded run that it may not replay");
  }

  /**
   * Why the run stopped, for its caller: the refusal of a recorded run it found (see {@link #found}),
   * else {@code suspended}.
   */
  RuntimeException stopped(WorkflowSuspendedException suspended) {
    RuntimeException refused = refusal;
    return refused != null ? refused : suspended;
  }

  /**
   * Whether a step that carried the beginning, and could not write it, finds the run recorded by
   * writing it again by itself ({@link #writeBeginning}) before it runs: its run has a given id.
   */
  synchronized boolean mayBeRecorded() {
    return mayBeRecorded;
  }

  /**
   * The run's beginning for a write that carries it (a transactional step's {@code beginWithWork});
   * null if it is written, or being written. Who takes it tells how its write ended: {@link
   * #carried}, or {@link #giveBackBeginning}; until then, the steps that wait for the beginning
   * ({@link #writeBeginning}) wait for that write.
   */
  synchronized NewRun carryBeginning() {
    NewRun first = beginning;
    beginning = null;
    if (first != null) {
      carrying = new CompletableFuture<>();
    }
    return first;
  }

  /** The write that carried the beginning ({@link #carryBeginning}) committed it: the run is begun. */
  void carried() {
    CompletableFuture<Void> written;
    synchronized (this) {
      written = carrying;
      carrying = null;
      begunWrite = CompletableFuture.completedFuture(null);
      mayBeRecorded = false;
    }
    written.complete(null);
  }

  /**
   * The write that carried the beginning wrote nothing: the next write carries it. {@code new} when the
   * write did insert the run's row before its work failed and was rolled back: the run is not
   * recorded, and a later write that finds it recorded is not a replay.
   */
  void giveBackBeginning(NewRun first, boolean isNew) {
    CompletableFuture<Void> written;
    synchronized (this) {
      beginning = first;
      if (isNew) {
        mayBeRecorded = false;
      }
      written = carrying;
      carrying = null;
    }
    if (written != null) {
      written.complete(null); // the steps that wait for the beginning write it themselves
    }
  }

  // ---------------------------------------------------------------- replay

  /** Whether the recorded run had ended: then the end is not written again. */
  boolean endedBefore() {
    return replay != null && replay.end != null;
  }

  /** The recorded outcome of the step at {@code position}, taken once; null if it has none. */
  Checkpoint replayStep(int position) {
    return replay == null ? null : replay.take(position, false);
  }

  /** The recorded outcome of the compensation of the step at {@code position}, taken once; null if it has none. */
  Checkpoint replayCompensation(int position) {
    return replay == null ? null : replay.take(position, true);
  }

  /**
   * Whether the recorded run is being reverted: it ended DONE, and a revert began
   * ({@link CheckpointKind#REVERT_BEGUN}); once its steps are replayed, they are compensated.
   */
  boolean replaysRevert() {
    return replay != null && replay.revert;
  }

  /**
   * A recorded failure that no step took: the last step's, recorded after it completed (a cancel
   * that came while it ran); null if there is none.
   */
  Checkpoint replayLateFailure() {
    return replay == null ? null : replay.lateFailure();
  }

  // ---------------------------------------------------------------- recording

  /** The number of the next checkpoint. */
  int nextSequence() {
    return sequence.getAndIncrement();
  }

  /**
   * Records the outcome of a step that did not halt the run (completed, skipped, tolerated): the
   * last step's waits for the run's end, when {@code last}; else it is written now.
   *
   * @return completes when it is durable (at once when it waits)
   */
  CompletableFuture<Void> stepEnded(Checkpoint checkpoint, boolean last) {
    if (last) {
      synchronized (this) {
        pending = checkpoint;
      }
      return CompletableFuture.completedFuture(null);
    }
    return append(List.of(checkpoint), null);
  }

  /** Records checkpoints (with the waiting one first), and the run's end if {@code end} is not null. */
  CompletableFuture<Void> append(List<Checkpoint> checkpoints, RunEnd end) {
    List<Checkpoint> all = checkpoints;
    synchronized (this) {
      if (pending != null) {
        all = new ArrayList<>(checkpoints.size() + 1);
        all.add(pending);
        all.addAll(checkpoints);
        pending = null;
      }
    }
    if (all.isEmpty() && end == null) {
      return CompletableFuture.completedFuture(null);
    }
    RunUpdate update = end == null ? RunUpdate.of(all) : RunUpdate.ending(all, end);
    boolean mayFind = mayBeRecorded();
    CompletableFuture<Void> begun = writeBeginning(); // if not written yet: the store applies it before this append
    CompletableFuture<Void> written;
    if (mayFind && !begun.isDone()) {
      // The beginning of a run with a given id may find the run recorded: then this append, the
      // run's first (its first step stopped before it acted: a cancel, say), must not go into
      // that record. It waits for the beginning, and is not made if the beginning found one.
      written = begun.thenCompose(ignored -> {
        if (isSuspended()) {
          return CompletableFuture.failedFuture(suspension); // the beginning could not be written, or was refused
        }
        if (replay != null) {
          return CompletableFuture.failedFuture(new RunStoreException("run '" + run.transactionId() + "' of workflow '"
              + spec.name() + "' is recorded already; its first checkpoint was not written into that record"));
        }
        return storeAppend(update);
      });
    } else {
      written = storeAppend(update);
    }
    return written.whenComplete((ignored, error) -> {
      // a value that cannot be recorded fails its step instead (see StepMachine); anything else stops the run
      if (error != null && !(WorkflowRun.unwrap(error) instanceof UnrecordableValueException)) {
        suspend(WorkflowRun.unwrap(error), "its store could not record a checkpoint");
      }
    });
  }

  private CompletableFuture<Void> storeAppend(RunUpdate update) {
    try {
      return engine.store.append(spec.types(), run.transactionId(), update);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** Records the run's end, with the last step's checkpoint if it waits; nothing if the record has its end. */
  CompletableFuture<Void> end(RunRecord.Status status, Object result) {
    if (endedBefore()) {
      return CompletableFuture.completedFuture(null);
    }
    List<RunError> errors = new ArrayList<>(run.record().errors().size());
    run.record().errors().forEach(error -> errors.add(RunError.of(error)));
    RunEnd end = new RunEnd(RunStatus.of(status.ended()), result, errors, Instant.now());
    boolean carriesCheckpoint;
    synchronized (this) {
      carriesCheckpoint = pending != null || beginning != null;
    }
    if (status != RunRecord.Status.DONE || carriesCheckpoint || replay != null) {
      return append(List.of(), end);
    }
    // Every step's outcome is durable already (the last step recorded its own, with its work): the
    // end follows from them, and a replay after a crash would write the same one. So the caller
    // need not wait for it; the run keeps its transaction id until it is written (see release()).
    CompletableFuture<Void> written = append(List.of(), end);
    endWrite = written.handle((ignored, error) -> {
      if (error != null) {
        // the error as text: SLF4J takes a Throwable in last place for the exception, and leaves its {} unfilled
        log.warn("Workflow '{}' ({}) ended DONE, but its end could not be recorded: {}; the next WorkflowEngine.start()"
            + " replays the run from its checkpoints and records it", spec.name(), run.transactionId(),
            RunEvents.oneLine(WorkflowRun.unwrap(error)));
      }
      return null;
    });
    engine.endBeingWritten(run.transactionId(), endWrite);
    return CompletableFuture.completedFuture(null);
  }

  // ---------------------------------------------------------------- stopping without an end

  /**
   * Stops the run at its next checkpoint, without compensating: the first reason counts. Also
   * stops the parent run, which cannot go on without this child's outcome.
   */
  void suspend(Throwable cause, String why) {
    if (suspension == null) {
      synchronized (this) {
        if (suspension == null) {
          suspension = new WorkflowSuspendedException("Workflow '" + spec.name() + "' (transaction "
              + run.transactionId() + ") stopped without ending: " + why + ". Nothing was compensated; the next "
              + "WorkflowEngine.start() on the same store resumes the run from its last checkpoint",
              run.transactionId(), cause);
        }
      }
      // a step that waits in memory for the application's retry (beside the step whose write
      // failed: a noWait step's, a group member's) stops waiting: no decision can make the run go on
      run.stopWaits();
    }
    if (parent != null) {
      parent.suspend(suspension, "its child workflow '" + spec.name() + "' stopped without ending");
    }
  }

  /**
   * Whether a step of this run that waits for a manual retry records the wait and stops the run
   * there ({@link CheckpointKind#STEP_WAITING}), rather than waiting in memory: a top-level run whose
   * store {@linkplain io.stepwise.runtime.store.RunStore#recordsWaits() records waits}. (A child's wait
   * is in its parent's step, which the parent's record cannot end.)
   */
  boolean parksWaits() {
    return parent == null && engine.store.recordsWaits();
  }

  /**
   * The run stops because {@code step} waits for the application after {@code attempt} failed with
   * {@code error}, a wait that its record holds ({@link CheckpointKind#STEP_WAITING}, durable): the
   * caller gets a {@link WorkflowWaitingException}; the engine ends the wait at the run's deadline.
   */
  void parked(StepSpec step, int attempt, Throwable error) {
    synchronized (this) {
      if (suspension == null) {
        suspension = new WorkflowWaitingException("Workflow '" + spec.name() + "' (transaction "
            + run.transactionId() + ") waits at step '" + step.name() + "': attempt " + attempt + " of "
            + step.maxAttempts() + " failed with " + RunEvents.oneLine(error) + ", and the step has autoRetry = false. "
            + "The wait is recorded and no thread holds the run: call the runner's retry or fail method of step '"
            + step.name() + "' with the transaction id (from any process on the same store), or cancel the run",
            run.transactionId(), step.name(), attempt, error);
      }
    }
    engine.waits.parked(spec.name(), run.transactionId(), run.deadline().epochMillis);
  }

  /** Whether the run stops at its next checkpoint (a write failed, or a child stopped). */
  boolean isSuspended() {
    return suspension != null;
  }

  /** Why the run must stop at this checkpoint; null if it goes on. A closing engine stops it too. */
  WorkflowSuspendedException suspension() {
    if (suspension == null && engine.isClosing()) {
      suspend(null, "its WorkflowEngine is closing");
    }
    return suspension;
  }

  /** Lets go of the run's transaction id in this process: another run with it may begin. */
  void release() {
    if (released) {
      return;
    }
    released = true;
    CompletableFuture<Void> ending = endWrite;
    if (ending == null) {
      engine.release(run.transactionId(), claim);
    } else {
      ending.whenComplete((ignored, error) -> engine.release(run.transactionId(), claim));
    }
  }

  /** Logs, once, that the run stopped without ending (a child's parent logs it for both). */
  void logSuspended() {
    WorkflowSuspendedException s = suspension;
    if (s instanceof WorkflowWaitingException || refusal != null) {
      return; // the step's wait was logged as it began; a refusal is its caller's exception
    }
    if (s != null && parent == null && !logged) {
      logged = true;
      log.warn("{}", s.getMessage(), s.getCause());
    }
  }
}
