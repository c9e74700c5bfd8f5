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
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
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
 * The store's only writer: one thread that takes every write waiting at that moment (the begins and
 * appends of all runs, up to {@link #MAX_BATCH}), writes them in one transaction with JDBC batches,
 * commits once, and then completes their futures. While it commits, the next writes queue up: the
 * more concurrent runs, the more checkpoints share a commit (group commit), and a lone run waits for
 * nobody.
 *
 * <p>When a statement of the batch fails, the writer rolls the transaction back and writes the batch
 * again one write at a time, each under a savepoint: the write that fails is rolled back to its
 * savepoint and fails its own future only, and the others commit. A unit of work ({@link
 * ConnectionWork}) runs under a savepoint of its own, unless it is alone in its transaction.
 *
 * <p>The writer holds its connection for as long as the store is open, or, if told not to hold
 * it ({@link JdbcRunStore.Builder#holdConnections}), only while it has writes to make: when its queue
 * is empty it gives the connection back, so that an application on H2 can let one connection do all
 * of its writes and the store's.
 */
final class GroupCommitWriter {
  static final int MAX_BATCH = 512;

  private static final Logger log = LoggerFactory.getLogger(GroupCommitWriter.class);
  private static final Op<Void> STOP = new Op<>(null, null);

  private final DataSource dataSource;
  private final Dialect dialect;
  private final RunTable table;
  private final JsonCodec codec;
  private final String owner;
  private final Duration leaseTime;
  private final boolean holdConnection;
  private final BlockingQueue<Op<?>> queue = new LinkedBlockingQueue<>();
  private final Object lock = new Object();
  private final Thread thread;
  private boolean closed;   // guarded by lock
  /** The writer thread's connection, in manual commit; null until (re)connected. */
  private Connection connection;
  private volatile long commits;

  GroupCommitWriter(DataSource dataSource, Dialect dialect, RunTable table, JsonCodec codec, String owner,
      Duration leaseTime, boolean holdConnection, Connection connection, String threadName) {
    this.dataSource = dataSource;
    this.dialect = dialect;
    this.table = table;
    this.codec = codec;
    this.owner = owner;
    this.leaseTime = leaseTime;
    this.holdConnection = holdConnection;
    this.connection = connection;
    this.thread = new Thread(this::run, threadName);
    this.thread.setDaemon(true);
    this.thread.start();
  }

  CompletableFuture<BeginResult> begin(RunTypes types, NewRun run, String inputJson) {
    return submit(new BeginOp(types, run, inputJson));
  }

  CompletableFuture<Void> append(RunTypes types, String transactionId, EncodedUpdate update) {
    return submit(new AppendOp(types, transactionId, update));
  }

  <T> CompletableFuture<T> appendWithWork(RunTypes types, String transactionId, ConnectionWork<T> work,
      Function<? super T, RunUpdate> updateOf) {
    return submit(new WorkOp<>(types, transactionId, work, updateOf));
  }

  <T> CompletableFuture<T> beginWithWork(RunTypes types, NewRun run, String inputJson, ConnectionWork<T> work,
      Function<? super T, RunUpdate> updateOf) {
    WorkOp<T> op = new WorkOp<>(types, run.transactionId(), work, updateOf);
    op.begin = run;
    op.inputJson = inputJson;
    return submit(op);
  }

  CompletableFuture<Boolean> beginRevert(RunTypes types, String transactionId, Checkpoint revertBegun) {
    return submit(new ReopenOp(types, transactionId, new EncodedCheckpoint(revertBegun, null, null), table.revertRun,
        "the beginning of the revert"));
  }

  CompletableFuture<Boolean> endWait(RunTypes types, String transactionId, Checkpoint decision) {
    return submit(new ReopenOp(types, transactionId, new EncodedCheckpoint(decision, null, null), table.endWaitRun,
        "the end of the wait"));
  }

  /** How many transactions the writer committed. */
  long commits() {
    return commits;
  }

  private <T> CompletableFuture<T> submit(Op<T> op) {
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
    List<Op<?>> batch = new ArrayList<>();
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

  private void write(List<Op<?>> batch) {
    try {
      try {
        writeTogether(connection(), batch);
        connection.commit();
      } catch (SQLException | RuntimeException e) {
        log.debug("A write of a batch of {} failed; writing them one by one: {}", batch.size(), e.toString());
        rollback();
        writeOneByOne(connection(), batch);
        connection.commit();
      }
      commits++;
    } catch (Throwable e) {   // the database (or the connection) failed: nothing of the batch is committed
      log.warn("The run store could not commit a batch of {} writes", batch.size(), e);
      rollback();
      for (Op<?> op : batch) {
        op.failure = new RunStoreException("Could not record " + op.describe() + ": " + oneLine(e), e);
      }
    }
    complete(batch);
  }

  private void writeTogether(Connection c, List<Op<?>> batch) throws SQLException {
    Instant now = now();
    Instant leaseUntil = now.plus(leaseTime);
    List<BeginOp> begins = new ArrayList<>();
    List<AppendOp> appends = new ArrayList<>();
    for (Op<?> op : batch) {
      op.reset();
      if (op instanceof BeginOp b) {
        begins.add(b);
      } else if (op instanceof AppendOp a) {
        appends.add(a);
      }
    }
    if (!begins.isEmpty()) {
      try (PreparedStatement ps = c.prepareStatement(table.insertRun)) {
        for (BeginOp b : begins) {
          table.bindInsertRun(ps, b.types.workflowName(), b.run, b.inputJson, now, owner, leaseUntil);
          ps.addBatch();
        }
        int[] counts = ps.executeBatch();
        for (int i = 0; i < counts.length; i++) {
          if (counts[i] != 0 && counts[i] != 1) {
            throw new SQLException("the driver gave no row count for a begin");   // find out one by one
          }
          begins.get(i).duplicate = counts[i] == 0;
        }
      }
    }
    for (Op<?> op : batch) {
      if (op instanceof WorkOp<?> w) {
        runWork(c, w, now, leaseUntil, batch.size() == 1);
      } else if (op instanceof ReopenOp r) {
        reopen(c, r, now, leaseUntil);
      }
    }
    if (!appends.isEmpty()) {
      try (PreparedStatement ps = c.prepareStatement(table.insertCheckpoint)) {
        boolean any = false;
        for (AppendOp a : appends) {
          for (EncodedCheckpoint checkpoint : a.update.checkpoints()) {
            table.bindInsertCheckpoint(ps, a.transactionId, checkpoint);
            ps.addBatch();
            any = true;
          }
        }
        if (any) {
          ps.executeBatch();
        }
      }
      try (PreparedStatement ps = c.prepareStatement(table.updateRun)) {
        for (AppendOp a : appends) {
          table.bindUpdateRun(ps, a.types.workflowName(), a.transactionId, a.update, now, owner, leaseUntil);
          ps.addBatch();
        }
        for (int count : ps.executeBatch()) {
          if (count != 1) {
            throw new SQLException("an append found no unfinished run to update");   // find out which, one by one
          }
        }
      }
    }
  }

  private void writeOneByOne(Connection c, List<Op<?>> batch) throws SQLException {
    Instant now = now();
    Instant leaseUntil = now.plus(leaseTime);
    for (Op<?> op : batch) {
      op.reset();
      if (op instanceof WorkOp<?> w) {
        runWork(c, w, now, leaseUntil, false);
        continue;
      }
      if (op instanceof ReopenOp r) {
        reopen(c, r, now, leaseUntil);
        continue;
      }
      Savepoint savepoint = c.setSavepoint();
      try {
        if (op instanceof BeginOp b) {
          b.duplicate = !insertRun(c, b.types, b.run, b.inputJson, now, leaseUntil);
        } else {
          AppendOp a = (AppendOp) op;
          appendAlone(c, a.types, a.transactionId, a.update, now, leaseUntil);
        }
        c.releaseSavepoint(savepoint);
      } catch (SQLException e) {
        c.rollback(savepoint);
        if (op instanceof BeginOp b && Dialect.isUniqueViolation(e)) {
          b.duplicate = true;   // another process began it at the same moment
        } else {
          op.failure = new RunStoreException("Could not record " + op.describe() + ": " + oneLine(e), e);
        }
      } catch (RunStoreException e) {
        c.rollback(savepoint);
        op.failure = e;
      }
    }
  }

  /** Inserts one run's row; false if a run with its transaction id is recorded already. */
  private boolean insertRun(Connection c, RunTypes types, NewRun run, String inputJson, Instant now,
      Instant leaseUntil) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(table.insertRun)) {
      table.bindInsertRun(ps, types.workflowName(), run, inputJson, now, owner, leaseUntil);
      return ps.executeUpdate() != 0;
    }
  }

  /** Writes one append on its own: the header first (to say why it cannot), then its checkpoints. */
  private void appendAlone(Connection c, RunTypes types, String transactionId, EncodedUpdate update, Instant now,
      Instant leaseUntil) throws SQLException {
    String workflow = types.workflowName();
    try (PreparedStatement ps = c.prepareStatement(table.updateRun)) {
      table.bindUpdateRun(ps, workflow, transactionId, update, now, owner, leaseUntil);
      if (ps.executeUpdate() == 0) {
        throw table.whyNotUpdated(c, workflow, transactionId);
      }
    }
    try (PreparedStatement ps = c.prepareStatement(table.insertCheckpoint)) {
      for (EncodedCheckpoint checkpoint : update.checkpoints()) {
        table.bindInsertCheckpoint(ps, transactionId, checkpoint);
        try {
          ps.executeUpdate();
        } catch (SQLException e) {
          if (Dialect.isUniqueViolation(e)) {
            throw RunStoreException.duplicateSequence(workflow, transactionId, checkpoint.checkpoint());
          }
          throw e;
        }
      }
    }
  }

  /**
   * Runs a unit of work and its append under a savepoint: the work's failure (or the append's)
   * rolls both back and fails this op only. A work that is {@code alone} in its transaction needs no
   * savepoint (two round trips fewer): its failure rolls the whole transaction back, which holds
   * nothing else. Throws only when the connection itself fails.
   */
  private <T> void runWork(Connection c, WorkOp<T> w, Instant now, Instant leaseUntil, boolean alone)
      throws SQLException {
    Savepoint savepoint = alone ? null : c.setSavepoint();
    T result;
    EncodedUpdate update;
    if (w.begin != null) { // the run's beginning, in the same transaction as its first step's work
      try {
        if (!insertRun(c, w.types, w.begin, w.inputJson, now, leaseUntil)) {
          undo(c, savepoint);
          w.failure = new RunStoreException("Could not record the beginning of run '" + w.transactionId
              + "' of workflow '" + w.types.workflowName() + "': a run with that transaction id is recorded already");
          return;
        }
      } catch (SQLException e) {
        undo(c, savepoint);
        w.failure = new RunStoreException("Could not record " + w.describe() + ": " + oneLine(e), e);
        return;
      }
    }
    try {
      result = w.work.run(guarded(c));
      RunUpdate runUpdate = w.updateOf.apply(result);
      update = RunTable.encode(codec, w.types, w.transactionId, runUpdate);
    } catch (Throwable e) {   // whatever the application's code throws fails its own write only
      undo(c, savepoint);
      w.failure = e;
      return;
    }
    try {
      appendAlone(c, w.types, w.transactionId, update, now, leaseUntil);
      if (savepoint != null) {
        c.releaseSavepoint(savepoint);
      }
      w.value = result;
    } catch (RunStoreException e) {
      undo(c, savepoint);
      w.failure = e;
    } catch (SQLException e) {
      undo(c, savepoint);
      w.failure = new RunStoreException("Could not record " + w.describe() + ": " + oneLine(e), e);
    }
  }

  /** Rolls back to {@code savepoint}, or the whole transaction when there is none (a work alone in it). */
  private static void undo(Connection c, Savepoint savepoint) throws SQLException {
    if (savepoint == null) {
      c.rollback();
    } else {
      c.rollback(savepoint);
    }
  }

  /**
   * A compare-and-set on a run's status and its checkpoint, in one transaction (see {@link ReopenOp}):
   * false if the run is of the workflow but not in the status the op expects.
   */
  private void reopen(Connection c, ReopenOp r, Instant now, Instant leaseUntil) throws SQLException {
    Savepoint savepoint = c.setSavepoint();
    String workflow = r.types.workflowName();
    try {
      int updated;
      try (PreparedStatement ps = c.prepareStatement(r.sql)) {
        table.bindReopenRun(ps, workflow, r.transactionId, now, owner, leaseUntil);
        updated = ps.executeUpdate();
      }
      if (updated == 0) {
        if (table.header(c, r.transactionId).filter(h -> h.workflowName().equals(workflow)).isPresent()) {
          r.value = false; // not in the status expected: another call reopened it first, or it never was
        } else {
          r.failure = table.whyNotUpdated(c, workflow, r.transactionId);
        }
        c.rollback(savepoint);
        return;
      }
      try (PreparedStatement ps = c.prepareStatement(table.insertCheckpoint)) {
        table.bindInsertCheckpoint(ps, r.transactionId, r.checkpoint);
        ps.executeUpdate();
      }
      c.releaseSavepoint(savepoint);
      r.value = true;
    } catch (SQLException e) {
      c.rollback(savepoint);
      r.failure = Dialect.isUniqueViolation(e)
          ? RunStoreException.duplicateSequence(workflow, r.transactionId, r.checkpoint.checkpoint())
          : new RunStoreException("Could not record " + r.describe() + ": " + oneLine(e), e);
    }
  }

  /** Completes each op's future; reads the runs that begins found already recorded. */
  private void complete(List<Op<?>> batch) {
    List<BeginOp> duplicates = new ArrayList<>();
    for (Op<?> op : batch) {
      if (op.failure != null) {
        op.future.completeExceptionally(op.failure);
      } else if (op instanceof BeginOp b && b.duplicate) {
        duplicates.add(b);
      } else {
        op.succeed();
      }
    }
    if (duplicates.isEmpty()) {
      return;
    }
    for (BeginOp b : duplicates) {
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
        b.future.completeExceptionally(new RunStoreException("Could not read " + b.describe() + ": " + oneLine(e), e));
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

  private static Instant now() {
    return Instant.now().truncatedTo(ChronoUnit.MICROS);
  }

  private static String oneLine(Throwable e) {
    String message = e.getMessage() == null ? e.toString() : e.getMessage();
    return message.replaceAll("\\s+", " ").trim();
  }

  /**
   * {@code c} as a unit of work sees it: everything but ending the transaction or the connection,
   * which belong to the writer.
   */
  private static Connection guarded(Connection c) {
    return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
        (proxy, method, args) -> {
          String name = method.getName();
          boolean forbidden = switch (name) {
            case "commit", "close", "setAutoCommit", "abort", "setTransactionIsolation" -> true;
            case "rollback" -> args == null;   // rollback(Savepoint) is the work's own business
            default -> false;
          };
          if (forbidden) {
            throw new IllegalStateException("A unit of work given to JdbcRunStore.appendWithWork called Connection."
                + name + ", but the connection's transaction belongs to the store, which commits the work together "
                + "with its checkpoint; throw an exception to roll the work back instead");
          }
          try {
            return method.invoke(c, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        });
  }

  /** A write waiting for the writer, and the outcome of its latest attempt. */
  private static class Op<T> {
    final CompletableFuture<T> future = new CompletableFuture<>();
    final RunTypes types;
    final String transactionId;
    Throwable failure;
    T value;

    Op(RunTypes types, String transactionId) {
      this.types = types;
      this.transactionId = transactionId;
    }

    void reset() {
      failure = null;
      value = null;
    }

    void succeed() {
      future.complete(value);
    }

    String describe() {
      return "the checkpoints of run '" + transactionId + "' of workflow '" + types.workflowName() + "'";
    }
  }

  private static final class BeginOp extends Op<BeginResult> {
    final NewRun run;
    final String inputJson;
    boolean duplicate;

    BeginOp(RunTypes types, NewRun run, String inputJson) {
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

  private static final class AppendOp extends Op<Void> {
    final EncodedUpdate update;

    AppendOp(RunTypes types, String transactionId, EncodedUpdate update) {
      super(types, transactionId);
      this.update = update;
    }
  }

  /**
   * Moves a run from one status to another if it is in the first (an {@code UPDATE ... WHERE status =
   * ...}, which the database's row lock makes a compare-and-set), and appends a checkpoint that says
   * why: a revert's beginning (DONE to COMPENSATING), a wait's end (WAITING to RUNNING).
   */
  private static final class ReopenOp extends Op<Boolean> {
    final EncodedCheckpoint checkpoint;
    final String sql;
    final String what;

    ReopenOp(RunTypes types, String transactionId, EncodedCheckpoint checkpoint, String sql, String what) {
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

  private static final class WorkOp<T> extends Op<T> {
    final ConnectionWork<T> work;
    final Function<? super T, RunUpdate> updateOf;
    /** The run's beginning, written first in the work's transaction; null for an append. */
    NewRun begin;
    String inputJson;

    WorkOp(RunTypes types, String transactionId, ConnectionWork<T> work, Function<? super T, RunUpdate> updateOf) {
      super(types, transactionId);
      this.work = work;
      this.updateOf = updateOf;
    }
  }
}
