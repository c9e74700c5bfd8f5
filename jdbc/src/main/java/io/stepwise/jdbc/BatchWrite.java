package io.stepwise.jdbc;

import io.stepwise.jdbc.RunTable.EncodedCheckpoint;
import io.stepwise.jdbc.RunTable.EncodedUpdate;
import io.stepwise.runtime.store.NewRun;
import io.stepwise.runtime.store.RunStoreException;
import io.stepwise.runtime.store.RunTypes;
import io.stepwise.runtime.store.RunUpdate;
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
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Writes one batch of a {@link GroupCommitWriter}'s ops in the writer's open transaction, which the
 * writer then commits: {@link #together} in as few statements and round trips as it can, or, when
 * that fails, {@link #oneByOne} under a savepoint each, so that an op that fails fails alone.
 *
 * <p>Together: the begins in one JDBC batch; then each unit of work, in the order the ops came,
 * without a savepoint (a SAVEPOINT costs a round trip): a unit of work that fails (the application's
 * exception, or a beginning it carries found recorded already) has rolled back the whole
 * transaction, and the batch is written again {@link #oneByOne}, where each unit of work has a
 * savepoint of its own and only that one fails; then the checkpoints of every append and of every
 * unit of work, in multi-row INSERTs, and the runs' rows in one JDBC batch of UPDATEs.
 */
final class BatchWrite {
  private final RunTable table;
  private final JsonCodec codec;
  private final String owner;
  private final Duration leaseTime;

  BatchWrite(RunTable table, JsonCodec codec, String owner, Duration leaseTime) {
    this.table = table;
    this.codec = codec;
    this.owner = owner;
    this.leaseTime = leaseTime;
  }

  /** An append to write: a plain one, or a unit of work's, whose work is done. */
  private record Pending(WriteOp<?> op, EncodedUpdate update) {
    RunTypes types() {
      return op.types;
    }

    String transactionId() {
      return op.transactionId;
    }
  }

  /**
   * Writes {@code batch} with as few statements as it can. Throws when a statement fails: the
   * caller rolls back and writes the batch again {@link #oneByOne}. So does a unit of work that
   * fails in a batch of several ops; one alone in its batch fails its own op only.
   */
  void together(Connection c, List<WriteOp<?>> batch) throws SQLException {
    Instant now = now();
    Instant leaseUntil = now.plus(leaseTime);
    List<WriteOp.Begin> begins = resetAndBegins(batch);
    if (!begins.isEmpty()) {
      try (PreparedStatement ps = c.prepareStatement(table.insertRun)) {
        for (WriteOp.Begin b : begins) {
          table.bindInsertRun(ps, 0, b.types.workflowName(), b.run, b.inputJson, now, owner, leaseUntil);
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
    List<Pending> appends = workAndAppends(c, batch, now, leaseUntil);
    if (!appends.isEmpty()) {
      insertCheckpoints(c, appends);
      try (PreparedStatement ps = c.prepareStatement(table.updateRun)) {
        for (Pending a : appends) {
          table.bindUpdateRun(ps, 0, a.types().workflowName(), a.transactionId(), a.update, now, owner, leaseUntil);
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

  /** Clears what an earlier try left on the batch's ops, and gives its begins, in order. */
  private static List<WriteOp.Begin> resetAndBegins(List<WriteOp<?>> batch) {
    List<WriteOp.Begin> begins = new ArrayList<>();
    for (WriteOp<?> op : batch) {
      op.reset();
      if (op instanceof WriteOp.Begin b) {
        begins.add(b);
      }
    }
    return begins;
  }

  /**
   * Runs the batch's units of work and reopens, in the order they came, and gives the appends to
   * write: the plain ones and those of the units of work that succeeded.
   */
  private List<Pending> workAndAppends(Connection c, List<WriteOp<?>> batch, Instant now, Instant leaseUntil)
      throws SQLException {
    List<Pending> appends = new ArrayList<>();
    boolean alone = batch.size() == 1;
    for (WriteOp<?> op : batch) {
      if (op instanceof WriteOp.Work<?> w) {
        EncodedUpdate update = work(c, w, null, now, leaseUntil);
        if (update != null) {
          appends.add(new Pending(w, update));
        } else if (!alone) {
          // its failure rolled back the whole transaction: the batch goes again one op at a time,
          // each unit of work under a savepoint of its own (a SAVEPOINT per work would cost every
          // batch a round trip per work, for failures that are rare)
          throw new SQLException("a unit of work failed in a batch of " + batch.size());
        }
      } else if (op instanceof WriteOp.Reopen r) {
        reopen(c, r, now, leaseUntil);
      } else if (op instanceof WriteOp.Append a) {
        appends.add(new Pending(a, a.update));
      }
    }
    return appends;
  }

  /**
   * Whether {@code batch} can be written {@link #inOneTrip}: no reopen (it decides on a row count),
   * at most {@link #MAX_ONE_TRIP_OPS} ops, no append of more than {@link #MAX_ONE_TRIP_CHECKPOINTS}
   * checkpoints, so that the statement texts stay few enough for the driver's cache of prepared
   * statements. Larger batches come from many concurrent runs, which share their round trips anyway.
   */
  static boolean fitsOneTrip(List<WriteOp<?>> batch) {
    if (batch.size() > MAX_ONE_TRIP_OPS) {
      return false;
    }
    for (WriteOp<?> op : batch) {
      if (op instanceof WriteOp.Reopen
          || op instanceof WriteOp.Append a && a.update.checkpoints().size() > MAX_ONE_TRIP_CHECKPOINTS) {
        return false;
      }
    }
    return true;
  }

  /**
   * Whether {@link #together} keeps the order of {@code batch}'s writes to each run: it runs a
   * reopen where it comes, but writes the appends after every unit of work and reopen, so a reopen
   * that comes after another write to its run (a revert made right after the run's end, say) must
   * be written {@link #oneByOne}, in order.
   */
  static boolean keepsOrderTogether(List<WriteOp<?>> batch) {
    Set<String> written = new HashSet<>();
    for (WriteOp<?> op : batch) {
      if (op instanceof WriteOp.Reopen && written.contains(op.transactionId)) {
        return false;
      }
      written.add(op.transactionId);
    }
    return true;
  }

  static final int MAX_ONE_TRIP_OPS = 8;
  static final int MAX_ONE_TRIP_CHECKPOINTS = 4;

  /**
   * Writes {@code batch} ({@link #fitsOneTrip}) and commits it, on PostgreSQL, with one round trip
   * after its units of work: the begins, the checkpoints and the runs' rows go in one text, which
   * the driver sends at once and the server runs in order, and which commits them: with a {@code
   * COMMIT} at its end when units of work opened the transaction, else as the one implicit
   * transaction the server makes of a text in auto-commit. {@link
   * #together} needs two round trips for a begin (its INSERT and the COMMIT) and three for an append
   * (INSERT, UPDATE, COMMIT): a lone 3-step run waits for four round trips instead of eleven, and a
   * transactional step for its own statements and one more.
   *
   * <p>What {@link #together} checks between statements, the statements check here: an append's
   * checkpoints are {@linkplain RunTable#insertGuardedCheckpoints guarded}, so that an append to a
   * run that is missing, ended or of another workflow fails the transaction before it commits.
   * Throws when a statement fails, with nothing of the batch committed: the caller rolls back and
   * writes it again {@link #oneByOne}, which says why. An append without checkpoints (a run's end
   * alone) whose UPDATE found no run wrote nothing, and fails alone.
   */
  void inOneTrip(Connection c, List<WriteOp<?>> batch) throws SQLException {
    Instant now = now();
    Instant leaseUntil = now.plus(leaseTime);
    List<WriteOp.Begin> begins = resetAndBegins(batch);
    List<Pending> appends = workAndAppends(c, batch, now, leaseUntil);
    for (Pending a : appends) {
      if (a.op instanceof WriteOp.Work<?> && a.update.checkpoints().isEmpty()) {
        // its UPDATE could find no run after its work: only a count says so, and it would come after the COMMIT
        throw new SQLException("a unit of work's update without checkpoints");   // written one by one
      }
    }
    if (begins.isEmpty() && appends.isEmpty()) {
      c.rollback();   // a unit of work alone in the batch failed, and was rolled back: nothing to commit
      return;
    }
    List<String> statements = new ArrayList<>();
    for (int i = 0; i < begins.size(); i++) {
      statements.add(table.insertRun);
    }
    for (Pending a : appends) {
      if (!a.update.checkpoints().isEmpty()) {
        statements.add(table.insertGuardedCheckpoints(a.update.checkpoints().size()));
      }
      statements.add(table.updateRun);
    }
    // After units of work, the transaction they opened ends with the text's COMMIT. Without, the
    // connection is put in auto-commit for the text, which the server then runs as one implicit
    // transaction: the driver would otherwise send a BEGIN, which the server answers on its own.
    boolean open = batch.stream().anyMatch(op -> op instanceof WriteOp.Work<?>);
    if (open) {
      statements.add("COMMIT");
    } else {
      c.setAutoCommit(true);
    }
    try (PreparedStatement ps = c.prepareStatement(String.join(";\n", statements))) {
      int at = 0;
      for (WriteOp.Begin b : begins) {
        table.bindInsertRun(ps, at, b.types.workflowName(), b.run, b.inputJson, now, owner, leaseUntil);
        at += RunTable.INSERT_RUN_PARAMETERS;
      }
      for (Pending a : appends) {
        String workflow = a.types().workflowName();
        for (EncodedCheckpoint checkpoint : a.update.checkpoints()) {
          table.bindGuardedCheckpointRow(ps, at, workflow, a.transactionId(), a.update.update().isCompensationsOnly(),
              checkpoint);
          at += RunTable.GUARDED_CHECKPOINT_PARAMETERS;
        }
        table.bindUpdateRun(ps, at, workflow, a.transactionId(), a.update, now, owner, leaseUntil);
        at += RunTable.UPDATE_RUN_PARAMETERS;
      }
      ps.execute();   // every statement has run and the transaction has committed when it returns
      for (WriteOp.Begin b : begins) {
        b.duplicate = nextCount(ps) == 0;
      }
      boolean read = false;
      for (Pending a : appends) {
        if (!a.update.checkpoints().isEmpty()) {
          nextCount(ps);
        }
        if (nextCount(ps) == 0) {   // only an append without checkpoints gets here unguarded
          a.op.failure = table.whyNotUpdated(c, a.types().workflowName(), a.transactionId());
          read = true;
        }
      }
      if (read && open) {
        c.rollback();   // ends the reading transaction (in auto-commit, each read is its own)
      }
    } finally {
      if (!open) {
        c.setAutoCommit(false);
      }
    }
  }

  /** The row count of the statement {@code ps} is at, then moves {@code ps} on to the next. */
  private static int nextCount(PreparedStatement ps) throws SQLException {
    int count = ps.getUpdateCount();
    ps.getMoreResults();
    return count;
  }

  /** The checkpoints of {@code appends}, in INSERTs of {@link RunTable#MAX_ROWS_PER_INSERT} rows at most. */
  private void insertCheckpoints(Connection c, List<Pending> appends) throws SQLException {
    List<String> ids = new ArrayList<>();
    List<EncodedCheckpoint> rows = new ArrayList<>();
    for (Pending a : appends) {
      for (EncodedCheckpoint checkpoint : a.update.checkpoints()) {
        ids.add(a.transactionId());
        rows.add(checkpoint);
      }
    }
    int at = 0;
    while (at < rows.size()) {
      int size = Integer.highestOneBit(Math.min(rows.size() - at, RunTable.MAX_ROWS_PER_INSERT));
      try (PreparedStatement ps = c.prepareStatement(table.insertCheckpoints(size))) {
        for (int row = 0; row < size; row++) {
          table.bindCheckpointRow(ps, row, ids.get(at + row), rows.get(at + row));
        }
        ps.executeUpdate();
      }
      at += size;
    }
  }

  /** Writes {@code batch} one op at a time, each under a savepoint: an op that fails fails alone. */
  void oneByOne(Connection c, List<WriteOp<?>> batch) throws SQLException {
    Instant now = now();
    Instant leaseUntil = now.plus(leaseTime);
    for (WriteOp<?> op : batch) {
      op.reset();
      if (op instanceof WriteOp.Reopen r) {
        reopen(c, r, now, leaseUntil);
        continue;
      }
      Savepoint savepoint = c.setSavepoint();
      if (op instanceof WriteOp.Work<?> w) {
        EncodedUpdate update = work(c, w, savepoint, now, leaseUntil);
        if (update == null) {
          continue;   // rolled back to the savepoint, its failure set
        }
        try {
          appendAlone(c, w.types, w.transactionId, update, now, leaseUntil);
          c.releaseSavepoint(savepoint);
        } catch (RunStoreException | SQLException e) {
          c.rollback(savepoint);
          w.failure = e instanceof RunStoreException stored ? stored : w.notRecorded(e);
          w.value = null;
        }
        continue;
      }
      try {
        if (op instanceof WriteOp.Begin b) {
          b.duplicate = !insertRun(c, b.types, b.run, b.inputJson, now, leaseUntil);
        } else {
          WriteOp.Append a = (WriteOp.Append) op;
          appendAlone(c, a.types, a.transactionId, a.update, now, leaseUntil);
        }
        c.releaseSavepoint(savepoint);
      } catch (SQLException e) {
        c.rollback(savepoint);
        if (op instanceof WriteOp.Begin b && Dialect.isUniqueViolation(e)) {
          b.duplicate = true;   // another process began it at the same moment
        } else {
          op.failure = op.notRecorded(e);
        }
      } catch (RunStoreException e) {
        c.rollback(savepoint);
        op.failure = e;
      }
    }
  }

  /** Inserts one run's row; false if a run with its transaction id is recorded already. */
  private boolean insertRun(Connection c, RunTypes types, NewRun run, String inputJson,
      Instant now, Instant leaseUntil) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(table.insertRun)) {
      table.bindInsertRun(ps, 0, types.workflowName(), run, inputJson, now, owner, leaseUntil);
      return ps.executeUpdate() != 0;
    }
  }

  /** Writes one append on its own: the header first (to say why it cannot), then its checkpoints. */
  private void appendAlone(Connection c, RunTypes types, String transactionId, EncodedUpdate update, Instant now,
      Instant leaseUntil) throws SQLException {
    String workflow = types.workflowName();
    try (PreparedStatement ps = c.prepareStatement(table.updateRun)) {
      table.bindUpdateRun(ps, 0, workflow, transactionId, update, now, owner, leaseUntil);
      if (ps.executeUpdate() == 0) {
        throw table.whyNotUpdated(c, workflow, transactionId);
      }
    }
    try (PreparedStatement ps = c.prepareStatement(table.insertCheckpoints(1))) {
      for (EncodedCheckpoint checkpoint : update.checkpoints()) {
        table.bindCheckpointRow(ps, 0, transactionId, checkpoint);
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
   * Runs a unit of work (after its run's beginning, if it carries it) and encodes the update its
   * result makes: the append to write, with its value set; or null when the beginning was a
   * duplicate or the work or its encoding failed, which are then rolled back to {@code savepoint}
   * (the whole transaction when there is none) and fail this op only. Throws
   * only when the connection itself fails.
   */
  private <T> EncodedUpdate work(Connection c, WriteOp.Work<T> w, Savepoint savepoint, Instant now,
      Instant leaseUntil) throws SQLException {
    if (w.begin != null) { // the run's beginning, in the same transaction as its first step's work
      try {
        if (!insertRun(c, w.types, w.begin, w.inputJson, now, leaseUntil)) {
          undo(c, savepoint);
          w.failure = new RunStoreException("Could not record the beginning of run '" + w.transactionId
              + "' of workflow '" + w.types.workflowName() + "': a run with that transaction id is recorded already");
          return null;
        }
      } catch (SQLException e) {
        undo(c, savepoint);
        w.failure = w.notRecorded(e);
        return null;
      }
    }
    try {
      T result = w.work.run(guarded(c));
      RunUpdate runUpdate = w.updateOf.apply(result);
      EncodedUpdate update = RunTable.encode(codec, w.types, w.transactionId, runUpdate);
      w.value = result;
      return update;
    } catch (Throwable e) {   // whatever the application's code throws fails its own write only
      undo(c, savepoint);
      w.failure = e;
      return null;
    }
  }

  /** Rolls back to {@code savepoint}, or the whole transaction when there is none. */
  private static void undo(Connection c, Savepoint savepoint) throws SQLException {
    if (savepoint == null) {
      c.rollback();
    } else {
      c.rollback(savepoint);
    }
  }

  /**
   * A compare-and-set on a run's status and its checkpoint, in one transaction (see {@link
   * WriteOp.Reopen}): false if the run is of the workflow but not in the status the op expects.
   */
  private void reopen(Connection c, WriteOp.Reopen r, Instant now, Instant leaseUntil) throws SQLException {
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
      try (PreparedStatement ps = c.prepareStatement(table.insertCheckpoints(1))) {
        table.bindCheckpointRow(ps, 0, r.transactionId, r.checkpoint);
        ps.executeUpdate();
      }
      c.releaseSavepoint(savepoint);
      r.value = true;
    } catch (SQLException e) {
      c.rollback(savepoint);
      r.failure = Dialect.isUniqueViolation(e)
          ? RunStoreException.duplicateSequence(workflow, r.transactionId, r.checkpoint.checkpoint())
          : r.notRecorded(e);
    }
  }

  private static Instant now() {
    return Instant.now().truncatedTo(ChronoUnit.MICROS);
  }

  /** A failure's message on one line, for a {@link RunStoreException}'s. */
  static String oneLine(Throwable e) {
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
}
