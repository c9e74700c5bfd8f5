package io.stepwise.jdbc;

import io.stepwise.jdbc.RunTable.EncodedCheckpoint;
import io.stepwise.jdbc.RunTable.EncodedUpdate;
import io.stepwise.runtime.store.BeginResult;
import io.stepwise.runtime.store.ConnectionWork;
import io.stepwise.runtime.store.NewRun;
import io.stepwise.runtime.store.RunStoreException;
import io.stepwise.runtime.store.RunTypes;
import io.stepwise.runtime.store.RunUpdate;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * A write waiting for a {@link GroupCommitWriter}, and the outcome of its latest attempt: what
 * {@link BatchWrite} sets while it writes a batch ({@link #failure}, {@link #value}), and the future
 * the writer completes once the batch is committed or rolled back.
 */
abstract class WriteOp<T> {
  final CompletableFuture<T> future = new CompletableFuture<>();
  final RunTypes types;
  final String transactionId;
  Throwable failure;
  T value;

  WriteOp(RunTypes types, String transactionId) {
    this.types = types;
    this.transactionId = transactionId;
  }

  /** Forgets the outcome of an attempt that was rolled back, before the batch is written again. */
  void reset() {
    failure = null;
    value = null;
  }

  void succeed() {
    future.complete(value);
  }

  /** The failure of this op's write, for its future: {@code e} with what could not be recorded. */
  RunStoreException notRecorded(Throwable e) {
    return new RunStoreException("Could not record " + describe() + ": " + BatchWrite.oneLine(e), e);
  }

  String describe() {
    return "the checkpoints of run '" + transactionId + "' of workflow '" + types.workflowName() + "'";
  }

  /** The stop signal of the writer's queue: never written. */
  static final class Stop extends WriteOp<Void> {
    Stop() {
      super(null, null);
    }
  }

  /** A run's beginning: its row inserted, unless a run with its transaction id is recorded already. */
  static final class Begin extends WriteOp<BeginResult> {
    final NewRun run;
    final String inputJson;
    /** Whether the attempt found the run recorded already. */
    boolean duplicate;

    Begin(RunTypes types, NewRun run, String inputJson) {
      super(types, run.transactionId());
      this.run = run;
      this.inputJson = inputJson;
    }

    @Override
    void reset() {
      super.reset();
      duplicate = false;
    }

    @Override
    void succeed() {
      future.complete(BeginResult.created());
    }

    @Override
    String describe() {
      return "the beginning of run '" + transactionId + "' of workflow '" + types.workflowName() + "'";
    }
  }

  /** Checkpoints appended to a run (and its end, if the update carries it). */
  static final class Append extends WriteOp<Void> {
    final EncodedUpdate update;

    Append(RunTypes types, String transactionId, EncodedUpdate update) {
      super(types, transactionId);
      this.update = update;
    }
  }

  /**
   * Moves a run from one status to another if it is in the first (an {@code UPDATE ... WHERE status =
   * ...}, which the database's row lock makes a compare-and-set), and appends a checkpoint that says
   * why: a revert's beginning (DONE to COMPENSATING), a wait's end (WAITING to RUNNING).
   */
  static final class Reopen extends WriteOp<Boolean> {
    final EncodedCheckpoint checkpoint;
    final String sql;
    final String what;

    Reopen(RunTypes types, String transactionId, EncodedCheckpoint checkpoint, String sql, String what) {
      super(types, transactionId);
      this.checkpoint = checkpoint;
      this.sql = sql;
      this.what = what;
    }

    @Override
    String describe() {
      return what + " of run '" + transactionId + "' of workflow '" + types.workflowName() + "'";
    }
  }

  /** A unit of work on the writer's connection, whose checkpoints commit with it. */
  static final class Work<T> extends WriteOp<T> {
    final ConnectionWork<T> work;
    final Function<? super T, RunUpdate> updateOf;
    /** The run's beginning, written first in the work's transaction; null for an append. */
    NewRun begin;
    String inputJson;

    Work(RunTypes types, String transactionId, ConnectionWork<T> work, Function<? super T, RunUpdate> updateOf) {
      super(types, transactionId);
      this.work = work;
      this.updateOf = updateOf;
    }
  }
}
