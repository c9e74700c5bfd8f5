package io.stepwise.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stepwise.runtime.Container;
import io.stepwise.runtime.RunOptions;
import io.stepwise.runtime.StepResponse;
import io.stepwise.runtime.WorkflowEngine;
import io.stepwise.runtime.WorkflowFailedException;
import io.stepwise.runtime.WorkflowListener;
import io.stepwise.runtime.WorkflowResult;
import io.stepwise.runtime.WorkflowStatus;
import io.stepwise.runtime.internal.AsyncRuns;
import io.stepwise.runtime.internal.RunRegistry;
import io.stepwise.runtime.internal.StepSpec;
import io.stepwise.runtime.internal.WorkflowRun;
import io.stepwise.runtime.internal.WorkflowSpec;
import io.stepwise.runtime.store.Checkpoint;
import io.stepwise.runtime.store.CheckpointKind;
import io.stepwise.runtime.store.RunStatus;
import io.stepwise.runtime.store.RunTypes;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A step that takes a {@link Connection} commits its work with its checkpoint, in the store's
 * transaction (H2 file database): its rows and its checkpoint are there together or not at all.
 */
class TransactionalStepTest {
  static final StepSpec CREATE = StepSpec.builder("create-order").maxRetries(2).build();
  static final StepSpec CONFIRM = StepSpec.of("confirm", 0);
  static final RunTypes TYPES = RunTypes.builder("orders", String.class, Long.class)
      .step(0, Long.class, Long.class)
      .step(1, Long.class, Long.class)
      .build();
  static final WorkflowSpec SPEC = WorkflowSpec.of(1, "orders", CREATE, CONFIRM).withTypes(TYPES, "fp");

  @TempDir
  Path dir;
  DataSource db;
  Connection keepOpen;
  JdbcRunStore store;
  WorkflowEngine engine;
  final AtomicInteger failuresLeft = new AtomicInteger();
  final AtomicInteger attempts = new AtomicInteger();

  @BeforeEach
  void open() throws SQLException {
    db = TestDatabases.h2(dir.resolve("tx"));
    keepOpen = db.getConnection();
    try (Statement s = keepOpen.createStatement()) {
      s.execute("CREATE TABLE orders (id BIGINT AUTO_INCREMENT PRIMARY KEY, tx VARCHAR(255) NOT NULL, "
          + "confirmed BOOLEAN DEFAULT FALSE NOT NULL)");
    }
    store = JdbcRunStore.create(db);
    engine = WorkflowEngine.builder().store(store).build();
  }

  @AfterEach
  void close() throws SQLException {
    engine.close();
    keepOpen.close();
  }

  /** Inserts an order in the checkpoint's transaction, then confirms it in another. */
  final class Runner {
    final RunRegistry runs;

    Runner(WorkflowEngine engine) {
      this.runs = RunRegistry.of(engine, SPEC, this::runAsync);
    }

    WorkflowResult<Long> run(String input, RunOptions options) {
      WorkflowRun run = WorkflowRun.start(SPEC, options, Container.of(db), runs, input);
      try {
        Long id = run.transactionalStep(CREATE, (ctx, connection) -> {
          attempts.incrementAndGet();
          long created = insert(connection, ctx.transactionId());
          if (failuresLeft.getAndDecrement() > 0) {
            throw new SQLException("the insert's transaction is rolled back");
          }
          return new StepResponse<>(created, created);
        }, (created, ctx) -> delete(created));
        Long confirmed = run.transactionalStep(CONFIRM, (ctx, connection) -> {
          try (PreparedStatement ps = connection.prepareStatement("UPDATE orders SET confirmed = TRUE WHERE id = ?")) {
            ps.setLong(1, id);
            ps.executeUpdate();
          }
          if (input.equals("refuse")) {
            return StepResponse.permanentFailure("refused");
          }
          return new StepResponse<>(id, id);
        }, null);
        return run.done(confirmed);
      } catch (WorkflowRun.Halt halt) {
        return run.halted(halt);
      }
    }

    CompletableFuture<WorkflowResult<Long>> runAsync(String input, RunOptions options) {
      return AsyncRuns.supply(options, runs, () -> run(input, options));
    }
  }

  static long insert(Connection connection, String tx) throws SQLException {
    try (PreparedStatement ps = connection.prepareStatement("INSERT INTO orders (tx) VALUES (?)",
        Statement.RETURN_GENERATED_KEYS)) {
      ps.setString(1, tx);
      ps.executeUpdate();
      try (ResultSet keys = ps.getGeneratedKeys()) {
        keys.next();
        return keys.getLong(1);
      }
    }
  }

  void delete(long id) throws SQLException {
    try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement("DELETE FROM orders WHERE id = ?")) {
      ps.setLong(1, id);
      ps.executeUpdate();
    }
  }

  List<String> rows() throws SQLException {
    try (Statement s = keepOpen.createStatement();
        ResultSet rs = s.executeQuery("SELECT tx, confirmed FROM orders ORDER BY id")) {
      List<String> rows = new java.util.ArrayList<>();
      while (rs.next()) {
        rows.add(rs.getString(1) + (rs.getBoolean(2) ? " confirmed" : ""));
      }
      return rows;
    }
  }

  @Test
  void theStepsWorkAndItsCheckpointCommitTogether() throws SQLException {
    Runner runner = new Runner(engine);

    WorkflowResult<Long> result = runner.run("o-1", RunOptions.builder().transactionId("tx-1").build());

    assertEquals(WorkflowStatus.DONE, result.status());
    assertEquals(List.of("tx-1 confirmed"), rows());
    List<Checkpoint> checkpoints = store.load(TYPES, "tx-1").orElseThrow().checkpoints();
    assertEquals(List.of(CheckpointKind.STEP_COMPLETED, CheckpointKind.STEP_COMPLETED),
        checkpoints.stream().map(Checkpoint::kind).toList());
    assertEquals(result.result(), checkpoints.get(0).output());
  }

  @Test
  void aFailedAttemptLeavesNoRowAndTheRetryCommitsOne() throws SQLException {
    failuresLeft.set(2);
    Runner runner = new Runner(engine);

    WorkflowResult<Long> result = runner.run("o-2", RunOptions.builder().transactionId("tx-2").build());

    assertEquals(WorkflowStatus.DONE, result.status());
    assertEquals(3, attempts.get());
    assertEquals(List.of("tx-2 confirmed"), rows(), "the two failed attempts' inserts were rolled back");
    List<Checkpoint> checkpoints = store.load(TYPES, "tx-2").orElseThrow().checkpoints();
    assertEquals(List.of(CheckpointKind.ATTEMPT_FAILED, CheckpointKind.ATTEMPT_FAILED, CheckpointKind.STEP_COMPLETED,
        CheckpointKind.STEP_COMPLETED), checkpoints.stream().map(Checkpoint::kind).toList());
    assertEquals(List.of(1, 2, 3, 1), checkpoints.stream().map(Checkpoint::attempts).toList());
  }

  @Test
  void aPermanentFailureRollsItsWorkBackAndTheCompletedStepIsCompensated() throws SQLException {
    Runner runner = new Runner(engine);

    WorkflowFailedException e = assertThrows(WorkflowFailedException.class,
        () -> runner.run("refuse", RunOptions.builder().transactionId("tx-3").build()));

    assertEquals(WorkflowStatus.REVERTED, e.result().status());
    assertEquals(List.of(), rows(), "confirm's update rolled back, create-order's insert compensated");
  }

  @Test
  void aRepeatedTransactionIdRunsNoWorkAgain() throws SQLException {
    Runner runner = new Runner(engine);
    RunOptions tx = RunOptions.builder().transactionId("tx-4").build();
    runner.run("o-4", tx);

    WorkflowResult<Long> again = runner.run("o-4", tx);

    assertEquals(WorkflowStatus.DONE, again.status());
    assertEquals(1, attempts.get());
    assertEquals(List.of("tx-4 confirmed"), rows());
  }

  @Test
  void aRunWhoseFirstStepIsTransactionalCommitsItsBeginningWithThatStep() throws Exception {
    Runner runner = new Runner(engine);
    runner.run("warm-up", RunOptions.builder().transactionId("tx-w").build()); // tables and codecs ready
    awaitEnd("tx-w"); // its end is written after the caller got its result
    long before = quietCommits(); // the writer counts a commit just after it is visible

    WorkflowResult<Long> given = runner.run("o-6", RunOptions.builder().transactionId("tx-6").build());
    long withGivenId = commitsSince(before, 3);
    before = store.commits();
    WorkflowResult<Long> fresh = runner.run("o-7", RunOptions.defaults());
    long withFreshId = commitsSince(before, 3);
    before = store.commits();
    runner.run("o-8", RunOptions.builder().transactionId("tx-8").listener(new WorkflowListener() {}).build());
    long withListener = commitsSince(before, 4);
    before = store.commits();
    WorkflowResult<Long> repeated = runner.run("o-6", RunOptions.builder().transactionId("tx-6").build());
    long repeat = commitsSince(before, 2);

    assertEquals(3, withGivenId, "the beginning goes with the first step's work, then a step and the end");
    assertEquals(3, withFreshId, "the beginning goes with the first step's work");
    assertEquals(4, withListener, "a run with listeners writes its beginning by itself");
    assertEquals(2, repeat, "a repeated id: its first step's batch finds the run recorded and rolls back, its "
        + "beginning's reads the record; neither writes anything");
    assertEquals(given.result(), repeated.result());
    assertEquals(2, store.load(TYPES, "tx-6").orElseThrow().checkpoints().size());
    assertEquals(RunStatus.DONE, store.find(fresh.transactionId()).orElseThrow().status());
    assertEquals(RunStatus.DONE, store.find(given.transactionId()).orElseThrow().status());
    assertEquals(List.of("tx-w confirmed", "tx-6 confirmed", fresh.transactionId() + " confirmed", "tx-8 confirmed"),
        rows());
  }

  /** The commits since {@code before}, once there are {@code expected} (and no more for 50 ms after). */
  long commitsSince(long before, long expected) throws InterruptedException {
    awaitCommits(before + expected);
    return store.commits() - before;
  }

  @Test
  void aFreshRunWhoseTransactionalFirstStepFailsOnceRecordsItsBeginningWithTheFailedAttempt() throws Exception {
    failuresLeft.set(1);
    Runner runner = new Runner(engine);

    WorkflowResult<Long> result = runner.run("o-8", RunOptions.defaults());

    assertEquals(WorkflowStatus.DONE, result.status());
    assertEquals(List.of(result.transactionId() + " confirmed"), rows());
    assertEquals(List.of(CheckpointKind.ATTEMPT_FAILED, CheckpointKind.STEP_COMPLETED, CheckpointKind.STEP_COMPLETED),
        store.load(TYPES, result.transactionId()).orElseThrow().checkpoints().stream().map(Checkpoint::kind).toList());
  }

  /** Waits until the end of run {@code transactionId} is recorded. */
  void awaitEnd(String transactionId) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 5000;
    while (store.find(transactionId).orElseThrow().status() != RunStatus.DONE && System.currentTimeMillis() < deadline) {
      Thread.sleep(5);
    }
  }

  /** The end of a run whose last step recorded its own checkpoint is written without the caller waiting. */
  /** The writer's commit count once it has not changed for 100 ms. */
  long quietCommits() throws InterruptedException {
    long seen = store.commits();
    for (int i = 0; i < 50; i++) {
      Thread.sleep(100);
      long now = store.commits();
      if (now == seen) {
        return now;
      }
      seen = now;
    }
    throw new AssertionError("the writer kept committing for 5 s with no run in flight");
  }

  void awaitCommits(long atLeast) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 5000;
    while (store.commits() < atLeast && System.currentTimeMillis() < deadline) {
      Thread.sleep(5);
    }
    Thread.sleep(50); // and no more than that
  }

  @Test
  void withoutAnEngineTheStepCommitsInATransactionOfTheContainersDataSource() throws SQLException {
    Runner runner = new Runner(null);
    failuresLeft.set(1);

    WorkflowResult<Long> result = runner.run("o-5", RunOptions.builder().transactionId("tx-5").build());

    assertEquals(WorkflowStatus.DONE, result.status());
    assertEquals(List.of("tx-5 confirmed"), rows());
    assertTrue(store.find("tx-5").isEmpty());
  }
}
