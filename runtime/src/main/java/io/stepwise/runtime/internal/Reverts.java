package io.stepwise.runtime.internal;

import io.stepwise.runtime.WorkflowResult;
import io.stepwise.runtime.store.Checkpoint;
import io.stepwise.runtime.store.CheckpointKind;
import io.stepwise.runtime.store.RunHeader;
import io.stepwise.runtime.store.RunStatus;
import io.stepwise.runtime.store.RunTypes;
import io.stepwise.runtime.store.StoredRun;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The reverts of runs that ended {@code DONE} (a runner's {@code revert}): begun in the store with a
 * compare-and-set, then the run resumed, which compensates its completed steps from its record. Not
 * API.
 */
final class Reverts {
  /** How often a revert reads a run's record again, as other reverts change it, before it gives up. */
  private static final int MAX_REVERT_READS = 100;

  private final Engine engine;
  /** The reverts in progress in this process, by transaction id: concurrent reverts of one run share one. */
  private final ConcurrentHashMap<String, CompletableFuture<WorkflowResult<?>>> reverts = new ConcurrentHashMap<>();

  Reverts(Engine engine) {
    this.engine = engine;
  }

  /**
   * Reverts run {@code transactionId} of a registered workflow, which ended {@code DONE}: begins the
   * revert in the store (a compare-and-set, so that of concurrent reverts in several processes one
   * begins it), then resumes the run, which replays its steps from the record and compensates them
   * as a compensating run does (see {@link Execution#endSteps()}); a crash in the middle leaves a
   * compensating run, which the next {@link Engine#start()} finishes. A run that ended otherwise is
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
  <I, R> CompletableFuture<WorkflowResult<R>> revert(Engine.Registration<I, R> registration, String transactionId,
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
  private <I, R> CompletableFuture<WorkflowResult<R>> startRevert(Engine.Registration<I, R> registration, String transactionId,
      java.util.function.Predicate<String> inProgress) {
    WorkflowSpec spec = registration.spec;
    engine.checkAccepting(spec.name(), transactionId);
    for (int read = 1; read <= MAX_REVERT_READS; read++) {
      RunHeader header = engine.store.find(transactionId).orElseThrow(() -> new IllegalArgumentException("Workflow '"
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
        throw new IllegalStateException(Replay.definitionChanged(spec, header.fingerprint(),
            engine.store.load(RunTypes.untyped(spec.name()), transactionId).orElse(null)));
      }
      StoredRun stored = engine.store.load(spec.types(), transactionId).orElse(null);
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
      CompletableFuture<Void> here = engine.claimOf(transactionId);
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
    return engine.compareAndSet(stored.transactionId(), RunStatus.DONE,
        engine.store.beginRevert(spec.types(), stored.transactionId(), begun));
  }
}
