package io.stepwise.runtime.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.stepwise.runtime.Container;
import io.stepwise.runtime.PermanentStepFailureException;
import io.stepwise.runtime.RunOptions;
import io.stepwise.runtime.StepResponse;
import io.stepwise.runtime.WorkflowResult;
import io.stepwise.runtime.WorkflowStatus;
import io.stepwise.runtime.fixtures.FakeDataSource;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * A step that takes a {@code Connection} in a run without a transactional store: each attempt gets a
 * connection from the container's {@code DataSource}, with auto-commit off, and commits its work, or
 * rolls it back when it throws, fails permanently or skips itself; the connection's auto-commit is
 * restored before it is closed. A permanent failure hands over no partial work: it was rolled back.
 */
class TransactionalStepTest {
  static final StepSpec BOOK = StepSpec.of("book", 0);

  final FakeDataSource database = new FakeDataSource();
  final List<String> events = new CopyOnWriteArrayList<>();

  /** 'book', then 'pay', which takes a connection and answers as {@code body} says. */
  WorkflowResult<String> run(Container container, StepSpec pay, TransactionalBody<String, String> body) {
    WorkflowSpec spec = WorkflowSpec.of(1, "trip", BOOK, pay);
    WorkflowRun run = WorkflowRun.start(spec, RunOptions.builder().transactionId("t-1").throwOnError(false).build(),
        container, new RunRegistry(), "in");
    try {
      run.<String>valueStep(BOOK, ctx -> "booked", (c, ctx) -> events.add("undo-book"));
      return run.done(run.<String, String>transactionalStep(pay, (ctx, connection) -> {
        events.add("pay@" + ctx.attempt() + " autoCommit=" + connection.getAutoCommit());
        return body.invoke(ctx, connection);
      }, (c, ctx) -> events.add("undo-pay(" + c + ")")));
    } catch (WorkflowRun.Halt halt) {
      return run.halted(halt);
    }
  }

  WorkflowResult<String> run(StepSpec pay, TransactionalBody<String, String> body) {
    return run(Container.of(database.dataSource()), pay, body);
  }

  @Test
  void anAttemptCommitsItsWorkWithAutoCommitOffAndRestoresIt() {
    WorkflowResult<String> result = run(StepSpec.of("pay", 0), (ctx, connection) -> new StepResponse<>("paid", "p-1"));

    assertEquals(WorkflowStatus.DONE, result.status());
    assertEquals("paid", result.result());
    assertEquals(List.of("pay@1 autoCommit=false"), events);
    assertEquals(List.of("commit", "close"), database.calls());
    assertEquals(List.of(false, true), database.autoCommits());
  }

  @Test
  void anAttemptThatThrowsIsRolledBackAndTheNextOneCommits() {
    WorkflowResult<String> result = run(StepSpec.of("pay", 1), (ctx, connection) -> {
      if (ctx.attempt() == 1) {
        throw new IllegalStateException("card reader busy");
      }
      return new StepResponse<>("paid", "p-1");
    });

    assertEquals(WorkflowStatus.DONE, result.status());
    assertEquals(List.of("rollback", "close", "commit", "close"), database.calls());
    assertEquals(List.of(false, true, false, true), database.autoCommits());
  }

  @Test
  void aPermanentFailureIsRolledBackAndItsPartialWorkIsNotCompensated() {
    WorkflowResult<String> result = run(StepSpec.of("pay", 2),
        (ctx, connection) -> StepResponse.permanentFailure("card declined", "half-paid"));

    assertEquals(WorkflowStatus.REVERTED, result.status());
    assertEquals(List.of("rollback", "close"), database.calls(), "no retry, nothing committed");
    assertEquals(List.of("pay@1 autoCommit=false", "undo-book"), events, "the rolled-back work has nothing to undo");
    assertInstanceOf(PermanentStepFailureException.class, result.errors().get(0).cause());
  }

  @Test
  void aStepThatSkipsItselfIsRolledBack() {
    WorkflowResult<String> result = run(StepSpec.builder("pay").skippable().build(),
        (ctx, connection) -> StepResponse.skip());

    assertEquals(WorkflowStatus.DONE, result.status());
    assertEquals(null, result.result());
    assertEquals(List.of("rollback", "close"), database.calls());
  }

  @Test
  void aRunWithoutADataSourceFailsTheStepSayingWhatToProvide() {
    WorkflowResult<String> result = run(Container.empty(), StepSpec.of("pay", 0),
        (ctx, connection) -> new StepResponse<>("paid", "p-1"));

    assertEquals(WorkflowStatus.REVERTED, result.status());
    assertEquals("step 'pay' of workflow 'trip' takes a java.sql.Connection, but its run has no transactional store "
        + "to share (a WorkflowEngine on a JdbcRunStore) and its container has no javax.sql.DataSource; create the "
        + "runner with one of them", assertInstanceOf(IllegalStateException.class, result.errors().get(0).cause())
        .getMessage());
    assertEquals(List.of("undo-book"), events);
  }
}
