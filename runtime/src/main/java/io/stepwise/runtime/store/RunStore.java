package io.stepwise.runtime.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The durable record of workflow runs, which a {@code WorkflowEngine} writes as runs go and reads
 * when it starts again. Implementations are thread-safe: one store serves every run of a process.
 *
 * <h2>Cost</h2>
 *
 * One write when a run begins, one per {@link #append} (the engine appends each step's checkpoint,
 * and folds the run's end into its last append), and no read on the happy path of a fresh run. A
 * store batches the writes of concurrent runs (group commit), so that throughput is not capped at
 * one commit per checkpoint.
 *
 * <h2>Durability</h2>
 *
 * The future of {@link #begin} or {@link #append} completes once what it wrote is durable (as far as
 * the store promises: a JDBC store's commit), and the engine waits for it before the next step
 * starts. A future that completes exceptionally has written nothing (or, on an ambiguous failure of
 * the store's database, possibly everything): the engine treats the step as unrecorded. The failure
 * of one call never fails the calls of other runs written with it.
 *
 * <h2>Order</h2>
 *
 * A store applies the {@link #begin} and {@link #append} calls of one run in the order they are
 * made: an append made after the run's begin, or after another of its appends, is applied after it,
 * even if the caller did not wait for the first one's future. So an append made right after a
 * begin that recorded nothing finds no run, and fails (unless a run had that transaction id
 * already). Each append otherwise succeeds or fails on its own: one made after an append that
 * failed is applied as if the failed one had not been made.
 *
 * <p>What the engine relies on, and what it does not:
 *
 * <ul>
 *   <li>It waits for each write of a step (a failed attempt, a wait, the step's outcome, a
 *       compensation's outcome) before it makes the next write of that step or does what follows
 *       from it (the next attempt, the wait for a manual retry, the next step, the next
 *       compensation). A run's record never holds a later event of a step without the earlier
 *       ones, whatever order a store would apply writes in, and the engine does not rely on this
 *       section for them.
 *   <li>Besides the steps that run at the same time (below), it makes an append without waiting
 *       for the run's previous write in one case: a run known to be new is begun by its first
 *       write, the begin made right before that append, so that a first step whose work is in the
 *       store's transaction commits with it. A run is known to be new when the engine drew its
 *       transaction id (no run can have it), or when a write that carried its beginning inserted
 *       its row before that write's work failed and was rolled back. This relies on the order
 *       above: a store that applied the append first would fail it, and stop the run. A top-level
 *       run with a given id that is not known to be new waits for its begin before anything else
 *       is written or done: the begin may find the run recorded, which the run then replays.
 *   <li>Steps that run at the same time (the members of a {@code @Parallel} group, a {@code noWait}
 *       step beside the steps after it) append concurrently, each with its own checkpoints, numbered
 *       when each step had its outcome. A store may apply them in either order; when one fails,
 *       the others may be recorded, so that the record has a gap in its sequence numbers. The run
 *       stops at the failed one, and its replay runs that step again: numbers only order a run's
 *       checkpoints, and the next one is numbered after the highest recorded.
 *   <li>The end of a run that ended {@code DONE} with every step's checkpoint durable is written
 *       without its caller waiting for it; nothing else of the run is written in that process until
 *       it is (the run keeps its transaction id until then).
 *   <li>{@link #endWait} and {@link #beginRevert} are made only once the engine has read the run's
 *       status they compare to ({@code WAITING}, {@code DONE}), that is after the writes that set it.
 * </ul>
 *
 * <h2>Threads</h2>
 *
 * Futures may complete on the store's own thread: a dependent stage that blocks or runs long must
 * be one of the {@code ...Async} variants of {@link CompletableFuture}, or the caller waits with
 * {@code join()}.
 *
 * <h2>Values</h2>
 *
 * Values are encoded and decoded with the Java types of the {@link RunTypes} passed along; a value
 * the store cannot encode, or read back, fails the call with a {@link RunStoreException} that names
 * the workflow, the step and the Java type. Implementations never use Java serialization.
 */
public interface RunStore extends AutoCloseable {
  /**
   * Records that run {@code run.transactionId()} of workflow {@code types.workflowName()} begins,
   * with status {@link RunStatus#RUNNING} — unless a run with that transaction id is already
   * recorded: then nothing is written and the result holds that run (this is how a repeated
   * transaction id is recognised, and it costs a read only then).
   *
   * @return completes when the run is durably recorded, or with the run found; exceptionally with a
   *     {@link RunStoreException} if the input cannot be encoded, or the transaction id belongs to a
   *     run of another workflow
   */
  CompletableFuture<BeginResult> begin(RunTypes types, NewRun run);

  /**
   * Appends {@code update}'s checkpoints to the record of run {@code transactionId}, and records its
   * end if it has one, in one write. The run's status becomes {@link RunUpdate#newStatus()}.
   *
   * <p>A run that has ended takes only an update of {@linkplain RunUpdate#isCompensationsOnly()
   * compensations}, which leaves its status as it is. A {@link RunStatus#WAITING} run takes none:
   * only {@link #endWait} reopens it.
   *
   * @return completes when the update is durable; exceptionally with a {@link RunStoreException} if
   *     a value cannot be encoded, the run is not recorded, waits, or has ended and the update is not
   *     one of compensations only, or a checkpoint reuses a
   *     sequence number of the run — and then nothing of the update is recorded
   */
  CompletableFuture<Void> append(RunTypes types, String transactionId, RunUpdate update);

  /**
   * Begins the revert of run {@code transactionId}, which ended {@link RunStatus#DONE}: in one
   * atomic write, and only if the run's status is {@code DONE} at that moment (a compare-and-set on
   * the status), appends {@code revertBegun} (a {@link CheckpointKind#REVERT_BEGUN} checkpoint),
   * sets the status to {@link RunStatus#COMPENSATING} and clears the run's end (result, errors, end
   * time). The engine then compensates the run's completed steps like those of any compensating run,
   * appends their outcomes, and records its new end ({@code REVERTED} or {@code FAILED}).
   *
   * <p>Of two calls for one run, from one process or several sharing the store, at most one
   * completes with true: the other finds the run {@code COMPENSATING} (or ended again) and writes
   * nothing.
   *
   * <p>The default implementation refuses: a store written before reverts existed cannot begin one.
   *
   * @return completes with true when the revert is durably begun; with false, having written
   *     nothing, if the run's status is not {@code DONE}; exceptionally with a {@link
   *     RunStoreException} if no run has that transaction id, it belongs to another workflow, or the
   *     checkpoint reuses a sequence number of the run
   * @throws IllegalArgumentException if {@code revertBegun} is not a {@code REVERT_BEGUN} checkpoint
   */
  default CompletableFuture<Boolean> beginRevert(RunTypes types, String transactionId, Checkpoint revertBegun) {
    checkRevertBegun(revertBegun);
    return CompletableFuture.failedFuture(new UnsupportedOperationException(getClass().getName()
        + " cannot revert a run that ended; implement RunStore.beginRevert, or use JdbcRunStore or InMemoryRunStore"));
  }

  /**
   * Checks that {@code checkpoint} may begin a revert: for implementations of {@link #beginRevert}.
   *
   * @throws IllegalArgumentException if it is not a {@link CheckpointKind#REVERT_BEGUN} checkpoint
   */
  static void checkRevertBegun(Checkpoint checkpoint) {
    if (checkpoint.kind() != CheckpointKind.REVERT_BEGUN) {
      throw new IllegalArgumentException("a revert begins with a REVERT_BEGUN checkpoint, got " + checkpoint.kind());
    }
  }

  /**
   * Whether this store implements {@link #endWait}: then a run whose step waits for a manual retry
   * is recorded {@link RunStatus#WAITING} and held by no process until the wait ends; otherwise the
   * step waits in the memory of the process that runs it (see {@code docs/durable-runs.md}).
   */
  default boolean recordsWaits() {
    return false;
  }

  /**
   * Ends the wait of run {@code transactionId}, which is {@link RunStatus#WAITING} (a step waits for
   * the application after a {@link CheckpointKind#STEP_WAITING}): in one atomic write, and only if
   * the run's status is {@code WAITING} at that moment (a compare-and-set on the status), appends
   * {@code decision} (a {@link CheckpointKind#RETRY_DECIDED} or {@link
   * CheckpointKind#FAILURE_DECIDED} checkpoint) and sets the status to {@link RunStatus#RUNNING}. The
   * engine that wrote it then resumes the run, which replays its record up to the decision and goes
   * on from there.
   *
   * <p>Of two calls for one run, from one process or several sharing the store (a retry and a
   * cancel, say), at most one completes with true: the other finds the run {@code RUNNING} (or
   * further on) and writes nothing.
   *
   * <p>The default implementation refuses, and {@link #recordsWaits()} says so.
   *
   * @return completes with true when the decision is durably recorded; with false, having written
   *     nothing, if the run's status is not {@code WAITING}; exceptionally with a {@link
   *     RunStoreException} if no run has that transaction id, it belongs to another workflow, or the
   *     checkpoint reuses a sequence number of the run
   * @throws IllegalArgumentException if {@code decision} is not a {@code RETRY_DECIDED} or {@code
   *     FAILURE_DECIDED} checkpoint
   */
  default CompletableFuture<Boolean> endWait(RunTypes types, String transactionId, Checkpoint decision) {
    checkDecision(decision);
    return CompletableFuture.failedFuture(new UnsupportedOperationException(getClass().getName()
        + " cannot end a recorded wait; implement RunStore.endWait and recordsWaits, or use JdbcRunStore or "
        + "InMemoryRunStore"));
  }

  /**
   * Checks that {@code checkpoint} may end a wait: for implementations of {@link #endWait}.
   *
   * @throws IllegalArgumentException if it is not a {@link CheckpointKind#RETRY_DECIDED} or {@link
   *     CheckpointKind#FAILURE_DECIDED} checkpoint
   */
  static void checkDecision(Checkpoint checkpoint) {
    if (checkpoint.kind() != CheckpointKind.RETRY_DECIDED && checkpoint.kind() != CheckpointKind.FAILURE_DECIDED) {
      throw new IllegalArgumentException("a wait ends with a RETRY_DECIDED or FAILURE_DECIDED checkpoint, got "
          + checkpoint.kind());
    }
  }

  /**
   * The record of run {@code transactionId}, its values decoded to {@code types}.
   *
   * @return empty if no run has that transaction id
   * @throws RunStoreException if the run belongs to another workflow than {@code types}', or a value
   *     cannot be decoded to its type
   */
  Optional<StoredRun> load(RunTypes types, String transactionId);

  /** The header of run {@code transactionId}, without reading its values; empty if there is none. */
  Optional<RunHeader> find(String transactionId);

  /**
   * The transaction ids of the runs of {@code workflowName} that have not ended and do not wait
   * ({@link RunStatus#RUNNING} or {@link RunStatus#COMPENSATING}), oldest first: what the engine
   * resumes on start. Runs of child workflows are left out: their parents resume them.
   */
  List<String> unfinished(String workflowName);

  /** The headers of the runs that match {@code query}, oldest first, one page of them. */
  List<RunHeader> list(RunQuery query);

  /**
   * Deletes the record of every run that ended before {@code cutoff}, for retention.
   *
   * @return how many runs were deleted
   */
  int purgeEndedBefore(Instant cutoff);

  /**
   * Completes the writes already asked for (their futures complete), then releases the store's
   * resources. Later calls throw {@link IllegalStateException}. Closing twice does nothing.
   */
  @Override
  void close();
}
