package io.stepwise.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stepwise.jdbc.JdbcRunStore;
import io.stepwise.runtime.Container;
import io.stepwise.runtime.RunOptions;
import io.stepwise.runtime.WorkflowEngine;
import io.stepwise.runtime.WorkflowFailedException;
import io.stepwise.runtime.WorkflowResult;
import io.stepwise.runtime.WorkflowStatus;
import io.stepwise.runtime.store.Checkpoint;
import io.stepwise.runtime.store.CheckpointKind;
import io.stepwise.runtime.store.StoredRun;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.MDC;

/**
 * Steps that take a {@code java.sql.Connection}, in workflows compiled by Maven with the processor,
 * run on a {@code WorkflowEngine} with a {@code JdbcRunStore} over an H2 file database that also
 * holds the application's table: a step's rows and its checkpoint commit together, or not at all.
 * Without an engine, the step commits in a transaction of the container's {@code DataSource}.
 */
class TransactionalStepsTest {
  @TempDir
  Path dir;
  DataSource db;
  Connection keepOpen;
  JdbcRunStore store;
  WorkflowEngine engine;
  AccountWorkflows.OpenAccount workflow;

  @BeforeEach
  void open() throws SQLException {
    JdbcDataSource h2 = new JdbcDataSource();
    h2.setURL("jdbc:h2:file:" + dir.resolve("accounts").toAbsolutePath());
    h2.setUser("sa");
    db = h2;
    keepOpen = db.getConnection();
    try (Statement s = keepOpen.createStatement()) {
      s.execute(AccountWorkflows.SCHEMA);
    }
    store = JdbcRunStore.create(db);
    engine = WorkflowEngine.builder().store(store).build();
    workflow = new AccountWorkflows.OpenAccount(db);
  }

  @AfterEach
  void close() throws SQLException {
    engine.close();
    keepOpen.close();
  }

  private AccountWorkflows_OpenAccountRunner runner(WorkflowEngine engine) {
    return new AccountWorkflows_OpenAccountRunner(workflow, Container.of(db), engine);
  }

  private static RunOptions tx(String transactionId) {
    return RunOptions.builder().transactionId(transactionId).build();
  }

  @Test
  void aStepWhoseWorkRunsOnTheStoresThreadHasTheMdcOfItsRun() throws SQLException {
    AccountWorkflows_OpenAccountRunner runner = runner(engine);
    engine.start();
    MDC.put("request", "r-1");
    try {
      runner.run("ann", tx("tx-mdc-1"));
    } finally {
      MDC.remove("request");
    }
    runner.run("bob", tx("tx-mdc-2"));

    assertEquals(List.of(
        Map.of("request", "r-1", "stepwise.transactionId", "tx-mdc-1", "stepwise.workflow", "open-account",
            "stepwise.step", "create-account"),
        Map.of("stepwise.transactionId", "tx-mdc-2", "stepwise.workflow", "open-account",
            "stepwise.step", "create-account")),
        workflow.createAccountMdc, "the caller's keys and the run's, as on the run's own thread; nothing of an "
            + "earlier run left on the store's thread");
  }

  @Test
  void theStepsRowsAndTheirCheckpointsCommitTogether() throws SQLException {
    AccountWorkflows_OpenAccountRunner runner = runner(engine);
    engine.start();

    WorkflowResult<Long> result = runner.run("alice", tx("acc-1"));

    assertEquals(WorkflowStatus.DONE, result.status());
    assertEquals(100L, result.result());
    assertEquals(List.of("alice 100"), accounts());
    assertEquals(List.of(0L), workflow.rowsSeenElsewhere, "create-account's row was not committed before its checkpoint");
    StoredRun run = engine.timeline("acc-1").orElseThrow();
    Checkpoint created = completed(run, "create-account");
    assertEquals(id("alice"), ((Number) created.output()).longValue(), "the checkpoint holds the row's id");
    assertEquals(100L, ((Number) completed(run, "deposit").output()).longValue());
    assertEquals("balance 100", completed(run, "audit").output());
  }

  @Test
  void aFailedAttemptsWorkIsRolledBackWithNothingRecorded() throws SQLException {
    workflow.depositFailures.set(1);
    AccountWorkflows_OpenAccountRunner runner = runner(engine);
    engine.start();

    WorkflowResult<Long> result = runner.run("bob", tx("acc-2"));

    assertEquals(WorkflowStatus.DONE, result.status());
    assertEquals(100L, result.result(), "the first attempt's deposit was rolled back");
    assertEquals(List.of("bob 100"), accounts());
    List<Checkpoint> deposit = engine.timeline("acc-2").orElseThrow().checkpoints().stream()
        .filter(c -> c.stepName().equals("deposit")).toList();
    assertEquals(List.of(CheckpointKind.ATTEMPT_FAILED, CheckpointKind.STEP_COMPLETED),
        deposit.stream().map(Checkpoint::kind).toList());
    assertEquals(2, deposit.get(1).attempts());
  }

  @Test
  void aConditionalVoidStepAndAGroupedStepCommitTheirWork() throws SQLException {
    AccountWorkflows_OpenAccountRunner runner = runner(engine);
    engine.start();

    runner.run("vip-carol", tx("acc-3"));
    runner.run("dave", tx("acc-4"));

    assertEquals(List.of("vip-carol 100 vip", "dave 100"), accounts());
    assertEquals(CheckpointKind.STEP_SKIPPED, engine.timeline("acc-4").orElseThrow().checkpoints().stream()
        .filter(c -> c.stepName().equals("flag-vip")).findFirst().orElseThrow().kind());
  }

  @Test
  void aLaterFailureCompensatesTheCommittedWork() throws SQLException {
    AccountWorkflows_OpenAccountRunner runner = runner(engine);
    engine.start();

    WorkflowFailedException e = assertThrows(WorkflowFailedException.class,
        () -> runner.run("refused-erin", tx("acc-5")));

    assertEquals(WorkflowStatus.REVERTED, e.result().status());
    assertEquals(List.of(), accounts(), "the compensation deleted the committed row");
  }

  @Test
  void aRepeatedTransactionIdRunsNoStepAgain() throws SQLException {
    AccountWorkflows_OpenAccountRunner runner = runner(engine);
    engine.start();
    runner.run("frank", tx("acc-6"));

    WorkflowResult<Long> again = runner.run("frank", tx("acc-6"));

    assertEquals(100L, again.result());
    assertEquals(List.of("frank 100"), accounts());
    assertEquals(List.of(0L), workflow.rowsSeenElsewhere);
  }

  /** The checkpoint cannot be recorded, so the step's work, in its transaction, is not committed either. */
  @Test
  void aCheckpointThatCannotBeRecordedTakesTheStepsWorkWithIt() throws SQLException {
    AccountWorkflows_UnrecordableAccountRunner runner =
        AccountWorkflows_UnrecordableAccountRunner.create(Container.of(db), engine);
    engine.start();

    WorkflowFailedException e = assertThrows(WorkflowFailedException.class,
        () -> runner.run("gina", tx("acc-7")));

    assertTrue(e.result().status() != WorkflowStatus.DONE, e.result().toString());
    assertEquals(List.of(), accounts());
  }

  @Test
  void anAsynchronousWorkflowsTransactionalStepCommitsWithItsCheckpoint() throws SQLException {
    AccountWorkflows_OpenAccountAsyncRunner runner = AccountWorkflows_OpenAccountAsyncRunner.create(Container.empty(), engine);
    engine.start();

    WorkflowResult<Long> result = runner.runAsync("  hank ", tx("acc-8")).join();

    assertEquals(WorkflowStatus.DONE, result.status());
    assertEquals(List.of("hank 0"), accounts());
    assertEquals(result.result(), ((Number) completed(engine.timeline("acc-8").orElseThrow(), "create-account").output())
        .longValue());
  }

  @Test
  void withoutAnEngineTheStepCommitsInATransactionOfTheContainersDataSource() throws SQLException {
    workflow.depositFailures.set(1);
    AccountWorkflows_OpenAccountRunner runner = runner(null);

    WorkflowResult<Long> result = runner.run("ivan", tx("acc-9"));

    assertEquals(WorkflowStatus.DONE, result.status());
    assertEquals(List.of("ivan 100"), accounts(), "the failed attempt's deposit was rolled back");
    assertEquals(List.of(0L), workflow.rowsSeenElsewhere);
    assertTrue(store.find("acc-9").isEmpty(), "nothing recorded");
  }

  @Test
  void aStepThatSkipsItselfHasItsWorkRolledBack_withAnEngineAndWithout() throws SQLException {
    AccountWorkflows_SkippingAccountRunner durable =
        AccountWorkflows_SkippingAccountRunner.create(Container.of(db), engine);
    engine.start();
    AccountWorkflows_SkippingAccountRunner plain = AccountWorkflows_SkippingAccountRunner.create(Container.of(db));

    WorkflowResult<Optional<Long>> skipped = durable.run("skip-kim", tx("acc-11"));
    WorkflowResult<Optional<Long>> skippedWithoutEngine = plain.run("skip-lee", tx("acc-12"));
    WorkflowResult<Optional<Long>> opened = durable.run("mia", tx("acc-13"));

    assertEquals(WorkflowStatus.DONE, skipped.status());
    assertEquals(Optional.empty(), skipped.result());
    assertEquals(WorkflowStatus.DONE, skippedWithoutEngine.status());
    assertEquals(Optional.empty(), skippedWithoutEngine.result());
    assertEquals(Optional.of(id("mia")), opened.result());
    assertEquals(List.of("mia 0"), accounts(), "the skipped steps' rows were rolled back");
    assertEquals(List.of(CheckpointKind.STEP_SKIPPED), engine.timeline("acc-11").orElseThrow().checkpoints().stream()
        .map(Checkpoint::kind).toList());
  }

  /**
   * A permanent failure rolls the step's work back (docs/durable-runs.md: a transactional step has no
   * partial work to hand over): the compensation input it answers with is not compensated when the
   * run is reverted.
   */
  @Test
  void aPermanentFailureRolledBackHandsOverNoPartialWorkToARevert() throws SQLException {
    AccountWorkflows.UNDONE.clear();
    AccountWorkflows_GiftAccountRunner durable = AccountWorkflows_GiftAccountRunner.create(Container.of(db), engine);
    engine.start();
    AccountWorkflows_GiftAccountRunner plain = AccountWorkflows_GiftAccountRunner.create(Container.of(db));

    WorkflowResult<Optional<String>> failed = durable.run("fail-kim", tx("acc-21"));
    WorkflowResult<Optional<String>> failedWithoutEngine = plain.run("fail-lee", tx("acc-22"));
    assertEquals(WorkflowStatus.DONE, failed.status());
    assertEquals(WorkflowStatus.DONE, failedWithoutEngine.status());
    assertEquals(List.of(), accounts(), "the failed steps' rows were rolled back");
    assertEquals(List.of(CheckpointKind.STEP_TOLERATED, CheckpointKind.STEP_SKIPPED),
        engine.timeline("acc-21").orElseThrow().checkpoints().stream().map(Checkpoint::kind).toList());

    WorkflowResult<Optional<String>> again = durable.run("fail-kim", tx("acc-21"));
    assertEquals(WorkflowStatus.DONE, again.status(), "the recorded run, replayed");
    assertEquals(Optional.empty(), again.result(), "its skipped result step");

    WorkflowResult<Optional<String>> reverted = durable.revert("acc-21");

    assertEquals(WorkflowStatus.REVERTED, reverted.status());
    assertEquals(Optional.empty(), reverted.result());
    assertEquals(List.of(), AccountWorkflows.UNDONE, "no compensation of a row that was rolled back");
    assertEquals(Optional.empty(), durable.revert("acc-21").result(), "the reverted record, replayed");
  }

  /**
   * A step whose output the store cannot record fails with the store's error; with
   * skipOnPermanentFailure that failure is tolerated, and recorded as such, so that a revert (or a
   * resume) replays it instead of calling the step again.
   */
  @Test
  void aToleratedFailureToRecordAnOutputIsRecordedAndARevertDoesNotCallTheStepAgain() {
    AccountWorkflows.DESCRIBED.set(0);
    AccountWorkflows_TolerantUnrecordableRunner runner =
        AccountWorkflows_TolerantUnrecordableRunner.create(Container.of(db), engine);
    engine.start();

    WorkflowResult<Optional<String>> done = runner.run("ann", tx("acc-31"));

    assertEquals(WorkflowStatus.DONE, done.status());
    assertEquals(List.of("describe"), done.errors().stream().map(e -> e.step()).toList());
    assertEquals(List.of(CheckpointKind.STEP_TOLERATED, CheckpointKind.STEP_SKIPPED),
        engine.timeline("acc-31").orElseThrow().checkpoints().stream().map(Checkpoint::kind).toList());

    WorkflowResult<Optional<String>> reverted = runner.revert("acc-31");

    assertEquals(WorkflowStatus.REVERTED, reverted.status());
    assertEquals(1, AccountWorkflows.DESCRIBED.get(), "a revert calls no step");
  }

  @Test
  void withoutAnEngineOrADataSource_theStepFailsWithTheFix() {
    AccountWorkflows_OpenAccountAsyncRunner runner = AccountWorkflows_OpenAccountAsyncRunner.create(Container.empty());

    WorkflowFailedException e = assertThrows(WorkflowFailedException.class, () -> runner.run("judy"));

    String message = e.result().errors().get(0).cause().getMessage();
    assertTrue(message.contains("step 'create-account' of workflow 'open-account-async' takes a java.sql.Connection"),
        message);
    assertTrue(message.contains("create the runner with one of them"), message);
  }

  private static Checkpoint completed(StoredRun run, String step) {
    return run.checkpoints().stream()
        .filter(c -> c.stepName().equals(step) && c.kind() == CheckpointKind.STEP_COMPLETED)
        .findFirst()
        .orElseThrow(() -> new AssertionError("no completed '" + step + "' in " + run));
  }

  private long id(String owner) throws SQLException {
    try (Statement s = keepOpen.createStatement();
        ResultSet rs = s.executeQuery("SELECT id FROM account WHERE owner = '" + owner + "'")) {
      assertTrue(rs.next(), owner);
      return rs.getLong(1);
    }
  }

  /** "owner balance [vip]", by id. */
  private List<String> accounts() throws SQLException {
    try (Statement s = keepOpen.createStatement();
        ResultSet rs = s.executeQuery("SELECT owner, balance, vip FROM account ORDER BY id")) {
      List<String> rows = new ArrayList<>();
      while (rs.next()) {
        rows.add(rs.getString(1) + " " + rs.getLong(2) + (rs.getBoolean(3) ? " vip" : ""));
      }
      return rows;
    }
  }
}
