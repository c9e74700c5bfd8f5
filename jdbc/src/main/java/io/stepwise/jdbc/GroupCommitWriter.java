package io.stepwise.jdbc;

import io.stepwise.jdbc.RunTable.EncodedCheckpoint;
import io.stepwise.jdbc.RunTable.EncodedUpdate;
import io.stepwise.runtime.store.BeginResult;
import io.stepwise.runtime.store.Checkpoint;
import io.stepwise.runtime.store.ConnectionWork;
import io.stepwise.runtime.store.NewRun;
import io.stepwise.runtime.store.RunStoreException;
import io.stepwise.runtime.store.RunTypes;
import io.stepwise.runtime.store.RunUpdate;
import io.stepwise.runtime.store.StoredRun;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Function;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One of the store's writers (a store has one or more; a run's writes all go to the same one, chosen
 * by its transaction id): a thread that takes every write waiting for it at that moment (the begins,
 * appends and units of work of many runs, up to {@link #MAX_BATCH}), writes them in one transaction
 * ({@link BatchWrite}), commits once, and then completes their futures. While it commits, the next
 * writes queue up: the more concurrent runs, the more checkpoints share a commit (group commit), and
 * a lone run waits for nobody. On PostgreSQL, a small batch is written with one round trip after its
 * units of work, the COMMIT included ({@link BatchWrite#inOneTrip}).
 *
 * <p>When a statement of the batch fails, the writer rolls the transaction back and writes the batch
 * again one write at a time, each under a savepoint: the write that fails is rolled back to its
 * savepoint and fails its own future only, and the others commit. A unit of work ({@link
 * ConnectionWork}) that fails makes its batch be written again so too; when a batch is written
 * again, its units of work run again (what they did the first time was rolled back).
 *
 * <p>The writer holds its connection for as long as the store is open, or, if told not to hold
 * it ({@link JdbcRunStore.Builder#holdConnections}), only while it has writes to make: when its queue
 * is empty it gives the connection back, so that an application on H2 can let one connection do all
 * of its writes and the store's.
 */
final class GroupCommitWriter {
  static final int MAX_BATCH = 512;

  private static final Logger log = LoggerFactory.getLogger(GroupCommitWriter.class);
  private static final WriteOp<Void> STOP = new WriteOp.Stop();

  private final DataSource dataSource;
  private final Dialect dialect;
  private final RunTable table;
  private final JsonCodec codec;
  private final BatchWrite batchWrite;
  private final boolean holdConnection;
  private final BlockingQueue<WriteOp<?>> queue = new LinkedBlockingQueue<>();
  private final Object lock = new Object();
  private final Thread thread;
  private boolean closed;   // guarded by lock
  /** The writer thread's connection, in manual commit; null until (re)connected. */
  private Connection connection;
  private volatile long commits;
  private volatile long rewrites;

  GroupCommitWriter(DataSource dataSource, Dialect dialect, RunTable table, JsonCodec codec, String owner,
      Duration leaseTime, boolean holdConnection, Connection connection, String threadName) {
    this.dataSource = dataSource;
    this.dialect = dialect;
    this.table = table;
    this.codec = codec;
    this.batchWrite = new BatchWrite(table, codec, owner, leaseTime);
    this.holdConnection = holdConnection;
    this.connection = connection;
    this.thread = new Thread(this::run, threadName);
    this.thread.setDaemon(true);
    this.thread.start();
  }

  CompletableFuture<BeginResult> begin(RunTypes types, NewRun run, String inputJson) {
    return submit(new WriteOp.Begin(types, run, inputJson));
  }

  CompletableFuture<Void> append(RunTypes types, String transactionId, EncodedUpdate update) {
    return submit(new WriteOp.Append(types, transactionId, update));
  }

  <T> CompletableFuture<T> appendWithWork(RunTypes types, String transactionId, ConnectionWork<T> work,
      Function<? super T, RunUpdate> updateOf) {
    return submit(new WriteOp.Work<>(types, transactionId, work, updateOf));
  }

  <T> CompletableFuture<T> beginWithWork(RunTypes types, NewRun run, String inputJson, ConnectionWork<T> work,
      Function<? super T, RunUpdate> updateOf) {
    WriteOp.Work<T> op = new WriteOp.Work<>(types, run.transactionId(), work, updateOf);
    op.begin = run;
    op.inputJson = inputJson;
    return submit(op);
  }

  CompletableFuture<Boolean> beginRevert(RunTypes types, String transactionId, Checkpoint revertBegun) {
    return submit(new WriteOp.Reopen(types, transactionId, new EncodedCheckpoint(revertBegun, null, null), table.revertRun,
        "the beginning of the revert"));
  }

  CompletableFuture<Boolean> endWait(RunTypes types, String transactionId, Checkpoint decision) {
    return submit(new WriteOp.Reopen(types, transactionId, new EncodedCheckpoint(decision, null, null), table.endWaitRun,
        "the end of the wait"));
  }

  /** How many transactions the writer committed. */
  long commits() {
    return commits;
  }

  /** How many batches the writer wrote again one write at a time, after a statement failed. */
  long rewrites() {
    return rewrites;
  }

  private <T> CompletableFuture<T> submit(WriteOp<T> op) {
    synchronized (lock) {
      if (closed) {
        throw new IllegalStateException("this JdbcRunStore is closed");
      }
      queue.add(op);
    }
    return op.future;
  }

  /** Writes what is queued, completes its futures, then stops the thread and closes its connection. */
  void close() {
    synchronized (lock) {
      if (!closed) {
        closed = true;
        queue.add(STOP);
      }
    }
    boolean interrupted = false;
    while (thread.isAlive()) {
      try {
        thread.join();
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private void run() {
    List<WriteOp<?>> batch = new ArrayList<>();
    boolean stop = false;
    while (!stop) {
      try {
        batch.add(queue.take());
      } catch (InterruptedException e) {
        continue;   // nobody interrupts this thread but close() stops it through the queue
      }
      queue.drainTo(batch, MAX_BATCH - 1);
      stop = batch.remove(STOP);
      if (!batch.isEmpty()) {
        write(batch);
      }
      batch.clear();
      if (!holdConnection && queue.isEmpty()) {
        discardConnection();   // back to the pool while there is nothing to write: see the class's Javadoc
      }
    }
    discardConnection();
  }

  private void write(List<WriteOp<?>> batch) {
    try {
      try {
        if (dialect == Dialect.POSTGRESQL && BatchWrite.fitsOneTrip(batch)) {
          batchWrite.inOneTrip(connection(), batch);   // commits, in the same round trip as its last statements
        } else if (!BatchWrite.keepsOrderTogether(batch)) {
          batchWrite.oneByOne(connection(), batch);
          connection.commit();
        } else {
          batchWrite.together(connection(), batch);
          connection.commit();
        }
      } catch (SQLException | RuntimeException e) {
        log.debug("A write of a batch of {} failed; writing them one by one: {}", batch.size(), e.toString());
        rollback();
        rewrites++;
        batchWrite.oneByOne(connection(), batch);
        connection.commit();
      }
      commits++;
    } catch (Throwable e) {   // the database (or the connection) failed: nothing of the batch is committed
      log.warn("The run store could not commit a batch of {} writes", batch.size(), e);
      rollback();
      for (WriteOp<?> op : batch) {
        op.failure = op.notRecorded(e);
      }
    }
    complete(batch);
  }

  /** Completes each op's future; reads the runs that begins found already recorded. */
  private void complete(List<WriteOp<?>> batch) {
    List<WriteOp.Begin> duplicates = new ArrayList<>();
    for (WriteOp<?> op : batch) {
      if (op.failure != null) {
        op.future.completeExceptionally(op.failure);
      } else if (op instanceof WriteOp.Begin b && b.duplicate) {
        duplicates.add(b);
      } else {
        op.succeed();
      }
    }
    if (duplicates.isEmpty()) {
      return;
    }
    for (WriteOp.Begin b : duplicates) {
      try {
        Optional<RunTable.RawRun> raw = table.read(connection(), b.run.transactionId());
        if (raw.isEmpty()) {   // purged since: rare enough to report rather than retry
          throw new RunStoreException("Run '" + b.run.transactionId() + "' was recorded, then deleted, while it "
              + "began again; begin it once more");
        }
        StoredRun existing = RunTable.decode(codec, raw.get(), b.types);
        b.future.complete(BeginResult.existing(existing, codec.sameJson(raw.get().inputJson(), b.inputJson)));
      } catch (SQLException e) {
        discardConnection();
        b.future.completeExceptionally(new RunStoreException("Could not read " + b.describe() + ": " + BatchWrite.oneLine(e), e));
      } catch (RuntimeException e) {
        b.future.completeExceptionally(e);
      }
    }
    rollback();   // ends the reading transaction
  }

  private Connection connection() throws SQLException {
    if (connection == null) {
      Connection fresh = dataSource.getConnection();
      try {
        dialect.ensureWriteThrough(fresh);
        fresh.setAutoCommit(false);
      } catch (SQLException | RuntimeException e) {
        fresh.close();
        throw e;
      }
      connection = fresh;
    }
    return connection;
  }

  private void rollback() {
    if (connection == null) {
      return;
    }
    try {
      connection.rollback();
    } catch (SQLException e) {
      log.debug("Rollback failed; dropping the connection", e);
      discardConnection();
    }
  }

  private void discardConnection() {
    if (connection != null) {
      try {
        connection.close();
      } catch (SQLException e) {
        log.debug("Closing the writer's connection failed", e);
      }
      connection = null;
    }
  }
}
