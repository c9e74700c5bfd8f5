package io.stepwise.runtime.internal;

import io.stepwise.runtime.StepResponse;
import io.stepwise.runtime.store.Checkpoint;
import io.stepwise.runtime.store.ConnectionWork;
import io.stepwise.runtime.store.NewRun;
import io.stepwise.runtime.store.RunStoreException;
import io.stepwise.runtime.store.RunUpdate;
import io.stepwise.runtime.store.TransactionalRunStore;
import io.stepwise.runtime.store.UnrecordableValueException;
import java.sql.Connection;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import javax.sql.DataSource;
import org.slf4j.MDC;

/**
 * The {@link StepMachine} of a step that takes a {@link Connection}: its work and its checkpoint
 * commit together, so that it runs exactly once. Not API.
 *
 * <ul>
 *   <li>In a durable run whose store is a {@link TransactionalRunStore} (a {@code JdbcRunStore}), an
 *       attempt runs the step on the store's writer, with the store's connection, inside the
 *       transaction that records the step's checkpoint: one commit for both. An attempt that throws
 *       (or answers with a permanent failure, or skips itself) is rolled back with nothing recorded, and is retried
 *       as any step is. The store may call the step again after rolling back a batch it shares with
 *       other runs; only one call's writes are ever committed.
 *   <li>Otherwise (a runner without an engine, or a store that is not transactional) an attempt
 *       takes a connection from the {@code DataSource} in the run's container and commits the
 *       step's work in a transaction of its own, before the step's checkpoint (if any) is written:
 *       a crash between the two runs the step again.
 * </ul>
 *
 * <p>Either way a permanent failure is rolled back, so it hands over no partial work: the compensation
 * input it answers with, if any, is dropped, and the compensation is not called for it.
 *
 * <p>The step's compensation is an ordinary one: it runs outside any checkpoint transaction, and
 * gets its connection as any compensation does.
 */
final class TransactionalStepMachine<O, C> extends StepMachine<O, C> {
  private final TransactionalBody<O, C> body;
  /** Whether the last attempt's checkpoint was committed with its work. */
  private volatile boolean recordedWithWork;

  TransactionalStepMachine(Execution run, StepSpec step, Condition when, boolean stopsBeforeCondition,
      TransactionalBody<O, C> body) {
    super(run, step, when, stopsBeforeCondition);
    this.body = body;
  }

  @Override
  CompletableFuture<StepResponse<O, C>> call(Attempt context) {
    recordedWithWork = false;
    Journal journal = run.journal;
    if (journal != null && journal.store() instanceof TransactionalRunStore store) {
      return withCheckpoint(store, journal, context);
    }
    try {
      answerWith(inOwnTransaction(context));
    } catch (Throwable t) {
      run.fatal(t);
      error = t;
    }
    return null;
  }

  private CompletableFuture<StepResponse<O, C>> withCheckpoint(TransactionalRunStore store, Journal journal,
      Attempt context) {
    CompletableFuture<StepResponse<O, C>> done = new CompletableFuture<>();
    // a fresh run's first step carries its beginning: one commit for the run's start and the step
    NewRun beginning = group != null ? null : journal.carryBeginning();
    if (beginning == null && journal.unbegun() && journal.mayBeRecorded()) {
      // a step running beside it (a noWait step before it) writes the beginning of a run with a
      // given id, which may find the run recorded: start again from the condition once it is known
      return beginAgain(journal, done);
    }
    // the step runs on the store's thread: with the MDC it would have on this one (the run's keys, the step's)
    Map<String, String> mdc = MDC.getCopyOfContextMap();
    ConnectionWork<StepResponse<O, C>> work = connection -> Mdc.call(mdc, () -> {
      StepResponse<O, C> response = body.invoke(context, connection);
      if (response != null && (response.isPermanentFailure() || response.isSkip())) {
        throw new RolledBack(response); // a permanent failure, or a step that skips itself, leaves no work behind
      }
      return response;
    });
    Function<StepResponse<O, C>, RunUpdate> updateOf = response -> {
      if (response == null) {
        throw new IllegalStateException("step '" + step.name() + "' returned null instead of a StepResponse");
      }
      int sequence = journal.nextSequence();
      recording.sequence = sequence;
      Checkpoint checkpoint = recording.completed(sequence, context.attempt(), response.output(),
          response.compensationInput());
      return RunUpdate.of(checkpoint);
    };
    CompletableFuture<StepResponse<O, C>> written = beginning == null
        ? store.appendWithWork(run.spec().types(), run.transactionId(), work, updateOf)
        : store.beginWithWork(run.spec().types(), beginning, work, updateOf);
    written.whenComplete((response, error) -> {
      Throwable cause = WorkflowRun.unwrap(error);
      boolean storeFailed = cause instanceof RunStoreException && !(cause instanceof UnrecordableValueException);
      if (cause == null && beginning != null) {
        journal.carried();
      } else if (cause != null && beginning != null) {
        // nothing was written: the next write carries the beginning; a failure of the store's may
        // have come before the run's row (found recorded, say), anything else after it
        journal.giveBackBeginning(beginning, !storeFailed);
        if (storeFailed && journal.mayBeRecorded()) {
          // a run with a given id may be recorded: its beginning alone finds out, and the step
          // starts again from its condition, replaying the record if there is one
          beginAgain(journal, done);
          return;
        }
      }
      if (cause instanceof RolledBack rolledBack) {
        done.complete(rolledBack.response());
      } else if (storeFailed) {
        // the store failed, not the step: the run stops here, to be resumed, rather than retry or compensate
        journal.suspend(cause, "its store could not record the checkpoint of step '" + step.name() + "'");
        done.completeExceptionally(journal.suspension());
      } else if (cause != null) {
        done.completeExceptionally(cause);
      } else {
        recordedWithWork = true;
        done.complete(response);
      }
    });
    return done;
  }

  /**
   * Writes the run's beginning by itself (it may find the run recorded), then answers {@link
   * #BEGIN_AGAIN}: the step starts again from its condition, where it replays the record if there is one.
   */
  private static <T> CompletableFuture<T> beginAgain(Journal journal, CompletableFuture<T> done) {
    journal.writeBeginning().whenComplete((ignored, e) -> done.completeExceptionally(BEGIN_AGAIN));
    return done;
  }

  private StepResponse<O, C> inOwnTransaction(Attempt context) throws Exception {
    DataSource dataSource;
    try {
      dataSource = run.container().resolve(DataSource.class);
    } catch (RuntimeException e) {
      dataSource = null;
    }
    if (dataSource == null) {
      throw new IllegalStateException("step '" + step.name() + "' of workflow '" + run.spec().name() + "' takes a "
          + "java.sql.Connection, but its run has no transactional store to share (a WorkflowEngine on a "
          + "JdbcRunStore) and its container has no javax.sql.DataSource; create the runner with one of them");
    }
    try (Connection connection = dataSource.getConnection()) {
      boolean autoCommit = connection.getAutoCommit();
      connection.setAutoCommit(false);
      try {
        StepResponse<O, C> response = body.invoke(context, connection);
        if (response != null && (response.isPermanentFailure() || response.isSkip())) {
          connection.rollback();
        } else {
          connection.commit();
        }
        return response;
      } catch (Throwable t) {
        connection.rollback();
        throw t;
      } finally {
        connection.setAutoCommit(autoCommit);
      }
    }
  }

  /** A permanent failure is rolled back on both ways, with the store's checkpoint or in a transaction of its own. */
  @Override
  boolean rollsBackFailedWork() {
    return true;
  }

  @Override
  boolean recordsWithWork() {
    return run.journal != null && run.journal.store() instanceof TransactionalRunStore;
  }

  @Override
  boolean recordedByAttempt() {
    return recordedWithWork;
  }

  /** A permanent failure or a skip answered inside the checkpoint's transaction: rolled back, then answered. */
  private static final class RolledBack extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient StepResponse<?, ?> response;

    RolledBack(StepResponse<?, ?> response) {
      super("rolled back", null, false, false);
      this.response = response;
    }

    @SuppressWarnings("unchecked")
    <O, C> StepResponse<O, C> response() {
      return (StepResponse<O, C>) response;
    }
  }
}
