package io.stepwise.jdbc;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.stepwise.runtime.store.BeginResult;
import io.stepwise.runtime.store.Checkpoint;
import io.stepwise.runtime.store.ConnectionWork;
import io.stepwise.runtime.store.NewRun;
import io.stepwise.runtime.store.RunHeader;
import io.stepwise.runtime.store.RunQuery;
import io.stepwise.runtime.store.RunStore;
import io.stepwise.runtime.store.RunStoreException;
import io.stepwise.runtime.store.RunTypes;
import io.stepwise.runtime.store.RunUpdate;
import io.stepwise.runtime.store.StoredRun;
import io.stepwise.runtime.store.TransactionalRunStore;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.ToLongFunction;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The durable record of workflow runs in a JDBC database, H2 (embedded) or PostgreSQL, with step
 * data as JSON written by Jackson (never Java serialization).
 *
 * <pre>{@code
 * RunStore store = JdbcRunStore.create(dataSource);
 * RunStore store = JdbcRunStore.builder(dataSource)
 *     .objectMapper(mapper)           // default: Jackson's defaults, with java.time and Optional
 *     .tablePrefix("stepwise_")       // the default
 *     .leaseTime(Duration.ofSeconds(30))
 *     .retention(Duration.ofDays(30)) // default: keep ended runs for ever
 *     .build();
 * }</pre>
 *
 * <h2>Tables</h2>
 *
 * The store creates its tables on {@link Builder#build()} and upgrades them when a newer version
 * needs it, with the same SQL on H2 and PostgreSQL: {@code <prefix>runs} (one row per run: header,
 * input JSON, result and errors once ended, lease), {@code <prefix>checkpoints} (one row per
 * checkpoint, keyed by transaction id and sequence number) and {@code <prefix>schema_version}.
 * Processes that start at once on an empty database all succeed.
 *
 * <h2>Writes: group commit</h2>
 *
 * Writer threads (one by default: {@link Builder#writers}) write everything; all the
 * writes of one run go to one writer, in the order they were asked for. A writer takes all the begins
 * and appends waiting for it at that moment, across runs, writes them in one transaction (JDBC
 * batches), commits once, then completes their futures, on that thread. Values are encoded on the caller's thread beforehand. A write that fails
 * (a reused sequence number, a run that has ended) fails its own future only: the batch is written
 * again without it, one write at a time under savepoints. A {@link #appendWithWork unit of work}
 * runs on the writer thread, under a savepoint, in the transaction that records its checkpoint.
 *
 * <h2>Durability</h2>
 *
 * A future completes after the commit. On PostgreSQL that commit is on disk ({@code
 * synchronous_commit=on}, the default). H2 2.x writes commits to its file up to 500 ms late by
 * default ({@code WRITE_DELAY}), so that a killed process loses transactions it had committed. On an
 * H2 database in files this store therefore runs {@code SET WRITE_DELAY 0} whenever it (or its
 * writer) connects: each commit is then written to the file before it returns. The setting applies to
 * the whole database, so the application's own transactions on it become durable too. It needs
 * admin rights, and it is run each time because H2 keeps the value in the database but does not apply
 * it when it opens the database again (measured with H2 2.5.252: the reopened database lists 0 and
 * runs with 500); a store whose user may not set it refuses to start, with the fix. Even so H2 does
 * not sync each commit to disk: it survives a killed process, not a power cut. PostgreSQL survives
 * both.
 *
 * <h2>Reads</h2>
 *
 * {@link #load}, {@link #find}, {@link #unfinished}, {@link #list} and {@link #purgeEndedBefore} run
 * on the caller's thread, each with a connection of its own from the {@code DataSource}.
 *
 * <h2>JSON</h2>
 *
 * Each value is written with the Java type its {@link RunTypes} declare; the first value of each
 * type is read back at once, so that a type Jackson can write but not read fails the first run that
 * records one, with a {@link RunStoreException} naming the workflow, the run, the step, the type and
 * Jackson's reason.
 */
public final class JdbcRunStore implements TransactionalRunStore {
  private static final Logger log = LoggerFactory.getLogger(JdbcRunStore.class);
  private static final int PURGE_CHUNK = 500;
  /** How long {@link #close()} waits for a retention purge in progress to end its transaction. */
  private static final Duration PURGE_STOP_TIMEOUT = Duration.ofSeconds(10);

  private final DataSource dataSource;
  private final RunTable table;
  private final JsonCodec codec;
  /** The writers; a run's writes all go to one of them (by its transaction id), in order. */
  private final GroupCommitWriter[] writers;
  private final ScheduledExecutorService retention;
  private volatile boolean closed;

  private JdbcRunStore(Builder b) {
    this.dataSource = b.dataSource;
    this.table = new RunTable(new Schema(b.tablePrefix));
    this.codec = new JsonCodec(b.objectMapper == null ? JsonCodec.defaultMapper() : b.objectMapper);
    String owner = ProcessHandle.current().pid() + "-" + UUID.randomUUID().toString().substring(0, 8);
    Connection connection = null;
    try {
      connection = dataSource.getConnection();
      Dialect dialect = Dialect.of(connection);
      dialect.ensureWriteThrough(connection);
      connection.setAutoCommit(true);
      table.schema.ensure(connection);
      connection.setAutoCommit(false);
      if (!b.holdConnections) {
        connection.close();
        connection = null;
      }
      int count = b.writers;
      this.writers = new GroupCommitWriter[count];
      for (int i = 0; i < count; i++) {   // the first takes the connection at hand, if it holds one
        writers[i] = new GroupCommitWriter(dataSource, dialect, table, codec, owner, b.leaseTime, b.holdConnections,
            i == 0 ? connection : null, count == 1 ? "stepwise-run-store-writer" : "stepwise-run-store-writer-" + i);
      }
    } catch (SQLException e) {
      closeQuietly(connection);
      throw new RunStoreException("Could not open the run store: " + e.getMessage(), e);
    } catch (RuntimeException e) {
      closeQuietly(connection);
      throw e;
    }
    this.retention = b.retention == null ? null : startRetention(b.retention);
  }

  /** A store on {@code dataSource} with the defaults of {@link #builder}. */
  public static JdbcRunStore create(DataSource dataSource) {
    return builder(dataSource).build();
  }

  /** Starts a store on {@code dataSource} (H2 or PostgreSQL). */
  public static Builder builder(DataSource dataSource) {
    return new Builder(dataSource);
  }

  @Override
  public CompletableFuture<BeginResult> begin(RunTypes types, NewRun run) {
    checkOpen();
    String input;
    try {
      input = encodeInput(types, run);
    } catch (RunStoreException e) {
      return CompletableFuture.failedFuture(e);
    }
    return writer(run.transactionId()).begin(types, run, input);
  }

  /** The run's input as JSON, encoded on the caller's thread. */
  private String encodeInput(RunTypes types, NewRun run) {
    return codec.write(run.input(), types.input(),
        JsonCodec.What.ofRun("the input", types.workflowName(), run.transactionId()));
  }

  @Override
  public CompletableFuture<Void> append(RunTypes types, String transactionId, RunUpdate update) {
    checkOpen();
    RunTable.EncodedUpdate encoded;
    try {
      encoded = RunTable.encode(codec, types, transactionId, update);
    } catch (RunStoreException e) {
      return CompletableFuture.failedFuture(e);
    }
    return writer(transactionId).append(types, transactionId, encoded);
  }

  /**
   * {@inheritDoc}
   *
   * <p>The work runs on the store's writer thread, between the writes of other runs that share its
   * commit: keep it to a few statements.
   */
  @Override
  public <T> CompletableFuture<T> appendWithWork(RunTypes types, String transactionId, ConnectionWork<T> work,
      Function<? super T, RunUpdate> updateOf) {
    checkOpen();
    return writer(Objects.requireNonNull(transactionId, "transactionId")).appendWithWork(types, transactionId,
        Objects.requireNonNull(work, "work"), Objects.requireNonNull(updateOf, "updateOf"));
  }

  @Override
  public <T> CompletableFuture<T> beginWithWork(RunTypes types, NewRun run, ConnectionWork<T> work,
      Function<? super T, RunUpdate> updateOf) {
    checkOpen();
    String input;
    try {
      input = encodeInput(types, run);
    } catch (RunStoreException e) {
      return CompletableFuture.failedFuture(e);
    }
    return writer(run.transactionId()).beginWithWork(types, run, input, Objects.requireNonNull(work, "work"),
        Objects.requireNonNull(updateOf, "updateOf"));
  }

  /**
   * {@inheritDoc}
   *
   * <p>One {@code UPDATE ... WHERE status = 'DONE'} and the checkpoint's {@code INSERT}, in one
   * transaction on the run's writer: the database's row lock makes it a compare-and-set, on H2 and
   * PostgreSQL alike.
   */
  @Override
  public CompletableFuture<Boolean> beginRevert(RunTypes types, String transactionId, Checkpoint revertBegun) {
    RunStore.checkRevertBegun(revertBegun);
    checkOpen();
    Objects.requireNonNull(transactionId, "transactionId");
    return writer(transactionId).beginRevert(types, transactionId, revertBegun);
  }

  /** {@inheritDoc} It does. */
  @Override
  public boolean recordsWaits() {
    return true;
  }

  /**
   * {@inheritDoc}
   *
   * <p>One {@code UPDATE ... WHERE status = 'WAITING'} and the checkpoint's {@code INSERT}, in one
   * transaction on the run's writer: a compare-and-set, on H2 and PostgreSQL alike.
   */
  @Override
  public CompletableFuture<Boolean> endWait(RunTypes types, String transactionId, Checkpoint decision) {
    RunStore.checkDecision(decision);
    checkOpen();
    Objects.requireNonNull(transactionId, "transactionId");
    return writer(transactionId).endWait(types, transactionId, decision);
  }

  /** {@inheritDoc} The header and the checkpoints are read in one transaction, as of one moment. */
  @Override
  public Optional<StoredRun> load(RunTypes types, String transactionId) {
    checkOpen();
    Optional<RunTable.RawRun> raw = read("load run '" + transactionId + "'", c -> {
      int isolation = c.getTransactionIsolation();
      c.setAutoCommit(false);
      c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
      try {
        return table.read(c, transactionId);
      } finally {
        c.rollback();
        c.setTransactionIsolation(isolation);
        c.setAutoCommit(true);
      }
    });
    return raw.map(r -> RunTable.decode(codec, r, types));
  }

  @Override
  public Optional<RunHeader> find(String transactionId) {
    checkOpen();
    return read("find run '" + transactionId + "'", c -> table.header(c, transactionId));
  }

  @Override
  public List<String> unfinished(String workflowName) {
    checkOpen();
    return read("list the unfinished runs of workflow '" + workflowName + "'", c -> table.unfinished(c, workflowName));
  }

  @Override
  public List<RunHeader> list(RunQuery query) {
    checkOpen();
    return read("list runs", c -> table.list(c, query));
  }

  /** {@inheritDoc} It deletes in transactions of at most 500 runs each. */
  @Override
  public int purgeEndedBefore(Instant cutoff) {
    checkOpen();
    Objects.requireNonNull(cutoff, "cutoff");
    return read("purge the runs that ended before " + cutoff, c -> {
      c.setAutoCommit(false);
      try {
        int total = 0;
        int deleted;
        do {
          deleted = table.purge(c, cutoff, PURGE_CHUNK);
          c.commit();
          total += deleted;
        } while (deleted == PURGE_CHUNK && !closed);
        return total;
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      } finally {
        c.setAutoCommit(true);
      }
    });
  }

  /**
   * Completes the writes already asked for, then stops the writer thread and the retention purge (a
   * purge in progress ends after its current transaction).
   */
  @Override
  public void close() {
    closed = true;
    if (retention != null) {
      stopRetention();
    }
    for (GroupCommitWriter writer : writers) {
      writer.close();
    }
  }

  /**
   * Stops the retention purge without interrupting it: an interrupt that lands in H2's file I/O
   * closes the database's file channel, and with it the database, for every connection in the JVM.
   * A purge in progress stops after its current transaction; this waits for it.
   */
  private void stopRetention() {
    retention.shutdown();
    boolean interrupted = false;
    try {
      if (!retention.awaitTermination(PURGE_STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        log.warn("The run store's retention purge did not stop within {}; closing without waiting for it",
            PURGE_STOP_TIMEOUT);
      }
    } catch (InterruptedException e) {
      interrupted = true;
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /** The writer of run {@code transactionId}: always the same one, so that its writes keep their order. */
  private GroupCommitWriter writer(String transactionId) {
    return writers.length == 1 ? writers[0] : writers[Math.floorMod(transactionId.hashCode(), writers.length)];
  }

  /** How many transactions the writers committed: for tests of group commit. */
  long commits() {
    return sum(GroupCommitWriter::commits);
  }

  /** How many batches the writers wrote again one write at a time: for tests of failing writes. */
  long rewrites() {
    return sum(GroupCommitWriter::rewrites);
  }

  private long sum(ToLongFunction<GroupCommitWriter> counter) {
    long sum = 0;
    for (GroupCommitWriter writer : writers) {
      sum += counter.applyAsLong(writer);
    }
    return sum;
  }

  private ScheduledExecutorService startRetention(Duration keep) {
    ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread thread = new Thread(r, "stepwise-run-store-retention");
      thread.setDaemon(true);
      return thread;
    });
    long every = Math.max(1, Math.min(keep.toMillis(), Duration.ofHours(1).toMillis()));
    executor.scheduleWithFixedDelay(() -> {
      try {
        int purged = purgeEndedBefore(Instant.now().minus(keep));
        if (purged > 0) {
          log.info("Purged {} runs that ended more than {} ago", purged, keep);
        }
      } catch (RuntimeException e) {
        if (!closed) {
          log.warn("Purging the runs that ended more than {} ago failed; trying again in {} ms", keep, every, e);
        }
      }
    }, 0, every, TimeUnit.MILLISECONDS);
    return executor;
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("this JdbcRunStore is closed");
    }
  }

  private <T> T read(String what, SqlFunction<T> function) {
    try (Connection c = dataSource.getConnection()) {
      return function.apply(c);
    } catch (SQLException e) {
      throw new RunStoreException("Could not " + what + ": " + e.getMessage(), e);
    }
  }

  private static void closeQuietly(Connection connection) {
    if (connection != null) {
      try {
        connection.close();
      } catch (SQLException e) {
        log.debug("Closing a connection failed", e);
      }
    }
  }

  @FunctionalInterface
  private interface SqlFunction<T> {
    T apply(Connection connection) throws SQLException;
  }

  /** Builds a {@link JdbcRunStore}; every setting has a default. */
  public static final class Builder {
    private final DataSource dataSource;
    private ObjectMapper objectMapper;
    private String tablePrefix = "stepwise_";
    private Duration leaseTime = Duration.ofSeconds(30);
    private Duration retention;
    private boolean holdConnections = true;
    private int writers = 1;

    private Builder(DataSource dataSource) {
      this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    /**
     * The Jackson mapper for step data; default: Jackson's defaults with the {@code java.time} and
     * {@code Optional} modules, dates as ISO-8601 text. A run must be read with a mapper that reads
     * what the one that recorded it wrote.
     */
    public Builder objectMapper(ObjectMapper objectMapper) {
      this.objectMapper = Objects.requireNonNull(objectMapper, "objectMapper");
      return this;
    }

    /**
     * The prefix of the store's table names (default {@code stepwise_}): a lower-case letter, then up
     * to 29 lower-case letters, digits and underscores. Stores with different prefixes on one
     * database do not see each other's runs.
     */
    public Builder tablePrefix(String tablePrefix) {
      Objects.requireNonNull(tablePrefix, "tablePrefix");
      new Schema(tablePrefix);   // checks it now, where the mistake is
      this.tablePrefix = tablePrefix;
      return this;
    }

    /**
     * How long a process's claim on an unfinished run lasts after its last write (default 30 s).
     * The store records the claim (owner and expiry) with each write; taking over the runs of a
     * process whose claims expired comes with multi-process engines.
     */
    public Builder leaseTime(Duration leaseTime) {
      if (leaseTime.isNegative() || leaseTime.isZero()) {
        throw new IllegalArgumentException("leaseTime must be positive, was " + leaseTime);
      }
      this.leaseTime = leaseTime;
      return this;
    }

    /**
     * How long the record of an ended run is kept (default: for ever). The store deletes older ones
     * when it starts and then every hour (or every {@code retention}, if shorter), on a thread of its
     * own. A transaction id is recognised (as idempotency needs) only while its run is kept.
     */
    public Builder retention(Duration retention) {
      if (retention.isNegative() || retention.isZero()) {
        throw new IllegalArgumentException("retention must be positive, was " + retention);
      }
      this.retention = retention;
      return this;
    }

    /**
     * Whether each writer holds its connection for as long as the store is open ({@code true}, the
     * default), or only while it has writes waiting ({@code false}), giving it back to the pool when
     * it has none.
     *
     * <p>{@code false} is for an application on H2 whose pool has one connection, shared by the
     * store and the application's own writes: H2 2.5.252, killed while two sessions had transactions
     * open, can leave a row locked for ever (see the "What a crash costs" section of
     * docs/durable-runs.md), and with one connection no transaction is open while another commits.
     * Give such a store a pool that keeps its connection open (HikariCP does): H2 closes a database
     * when its last connection closes, and one opened again after a crash loses commits more easily
     * (measured: on a plain {@code JdbcDataSource}, which opens and closes the database with each
     * connection, {@code false} lost acknowledged checkpoints in the crash test; {@code true} never
     * has).
     */
    public Builder holdConnections(boolean hold) {
      this.holdConnections = hold;
      return this;
    }

    /**
     * How many writer threads write the runs' checkpoints (default 1). Each takes what is waiting for
     * it and commits it in one transaction; a run's writes all go to one writer, in order. Several
     * writers keep several commits in flight, so that many concurrent runs on PostgreSQL do not wait
     * for one connection's round trips (PostgreSQL still groups their WAL flushes); one writer makes
     * the largest batches. Each writer holds a connection of the {@code DataSource} (see {@link
     * #holdConnections}): a pool needs {@code writers} connections more than the application's own
     * (the store's reads take one more while they run).
     */
    public Builder writers(int writers) {
      if (writers < 1 || writers > 64) {
        throw new IllegalArgumentException("writers must be between 1 and 64, was " + writers);
      }
      this.writers = writers;
      return this;
    }

    /**
     * Connects, creates or upgrades the tables, makes H2 write through (see {@link JdbcRunStore}),
     * and starts the writer.
     *
     * @throws RunStoreException if the database cannot be reached, is neither H2 nor PostgreSQL, has
     *     tables of a newer schema version, or is an H2 database whose write delay cannot be turned off
     */
    public JdbcRunStore build() {
      return new JdbcRunStore(this);
    }
  }
}
