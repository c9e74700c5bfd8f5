package io.stepwise.runtime.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stepwise.runtime.PermanentStepFailureException;
import io.stepwise.runtime.StepResponse;
import io.stepwise.runtime.WorkflowResult;
import io.stepwise.runtime.WorkflowStatus;
import io.stepwise.runtime.fixtures.AsyncParallelWorkflowRunner;
import io.stepwise.runtime.fixtures.Completer;
import io.stepwise.runtime.fixtures.Script;
import io.stepwise.runtime.fixtures.Script.Boom;
import io.stepwise.runtime.fixtures.Stages;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * {@link AsyncRun.Group}: the asynchronous steps of a {@code @Parallel} group wait at the same time
 * without a thread (here on a ONE-thread executor), the join waits for all of them, and a failure
 * compensates the group's completed steps (in reverse order of completion) and the earlier steps.
 */
class AsyncParallelTest extends AsyncRunTestSupport {
  final AsyncParallelWorkflowRunner runner;

  AsyncParallelTest() {
    stages.hold("reserve").hold("quote"); // both branches of every run wait until the test completes them
    runner = AsyncParallelWorkflowRunner.create(script, stages);
  }

  @Test
  void bothBranchesWaitAtOnceOnOneThreadAndTheJoinWaitsForBoth() throws Exception {
    CompletableFuture<WorkflowResult<String>> run = runner.runAsync("c1", options("tx-group"));
    Stages.Call reserve = stages.next("reserve");
    Stages.Call quote = stages.next("quote"); // started while reserve waits: the one thread is not held
    executor.drain();
    assertEquals(0, executor.active());
    assertEquals(executor.threadName(), reserve.thread());
    assertEquals(executor.threadName(), quote.thread());
    assertFalse(run.isDone());

    Completer.on("http-client-1", () -> assertTrue(quote.complete()));
    executor.drain();
    assertFalse(run.isDone(), "the join waits for reserve");
    assertEquals(List.of(), script.events("invoke:confirm"));

    Completer.on("http-client-2", () -> assertTrue(reserve.complete()));
    WorkflowResult<String> result = get(run);

    assertEquals(WorkflowStatus.DONE, result.status());
    assertEquals("order-c1 reservation-order-c1 quote=42", result.result());
    assertEquals(executor.threadName(), script.entry("invoke:confirm@1").thread());
    assertEquals(List.of(), result.errors());
    executor.drain();
    assertEquals(List.of(), executor.leftovers());
  }

  @Test
  void aFailingBranchWaitsForTheOtherThenCompensatesItAndTheEarlierSteps() throws Exception {
    Boom boom = new Boom("no stock");
    CompletableFuture<WorkflowResult<String>> run = runner.runAsync("c2", options("tx-group-fail"));
    Stages.Call reserve = stages.next("reserve");
    Stages.Call quote = stages.next("quote");

    Completer.on("http-client-1", () -> assertTrue(reserve.fail(boom)));
    executor.drain();
    assertFalse(run.isDone(), "the group's other step runs to completion before anything is compensated");
    assertEquals(List.of(), script.events("compensate:"));

    Completer.on("http-client-2", () -> assertTrue(quote.complete()));
    WorkflowResult<String> result = get(run);

    assertEquals(WorkflowStatus.REVERTED, result.status());
    assertEquals(List.of("compensate:quote(42)@1", "compensate:create-order(order-c2)@1"), script.events("compensate:"));
    assertEquals(List.of("reserve/INVOKE/1"), describe(result.errors()));
    assertSame(boom, result.errors().get(0).cause());
    assertEquals(List.of(), script.events("invoke:confirm"));
    assertEquals(executor.threadName(), script.entry("compensate:quote(42)@1").thread());
  }

  @Test
  void theGroupsStepsAreCompensatedInReverseOrderOfCompletion() throws Exception {
    script.onInvoke("confirm", Script.failAlways());

    CompletableFuture<WorkflowResult<String>> first = runner.runAsync("c3", options("tx-reserve-first"));
    Stages.Call reserve = stages.next("reserve");
    Stages.Call quote = stages.next("quote");
    executor.drain(); // both branches wait: each completion is taken up by a segment, in order
    assertTrue(reserve.complete());
    assertTrue(quote.complete());
    assertEquals(WorkflowStatus.REVERTED, get(first).status());
    assertEquals(List.of("compensate:quote(42)@1", "compensate:reserve(res-order-c3)@1",
        "compensate:create-order(order-c3)@1"), script.events("compensate:"));

    Script other = new Script().onInvoke("confirm", Script.failAlways());
    Stages otherStages = new Stages().hold("reserve").hold("quote");
    CompletableFuture<WorkflowResult<String>> second = AsyncParallelWorkflowRunner.create(other, otherStages)
        .runAsync("c4", options("tx-quote-first"));
    Stages.Call reserve2 = otherStages.next("reserve");
    Stages.Call quote2 = otherStages.next("quote");
    executor.drain();
    assertTrue(quote2.complete());
    assertTrue(reserve2.complete());
    assertEquals(WorkflowStatus.REVERTED, get(second).status());
    assertEquals(List.of("compensate:reserve(res-order-c4)@1", "compensate:quote(42)@1",
        "compensate:create-order(order-c4)@1"), other.events("compensate:"));
  }

  @Test
  void aBranchsPermanentFailureWithInputIsCompensatedFirst() throws Exception {
    CompletableFuture<WorkflowResult<String>> run = runner.runAsync("c5", options("tx-group-permanent"));
    Stages.Call reserve = stages.next("reserve");
    Stages.Call quote = stages.next("quote");
    assertTrue(quote.complete());
    assertTrue(reserve.complete(StepResponse.permanentFailure("half reserved", "res-partial")));
    WorkflowResult<String> result = get(run);

    assertEquals(WorkflowStatus.REVERTED, result.status());
    assertEquals(List.of("compensate:reserve(res-partial)@1", "compensate:quote(42)@1",
        "compensate:create-order(order-c5)@1"), script.events("compensate:"));
    assertEquals(List.of("reserve/INVOKE/1"), describe(result.errors()));
    assertInstanceOf(PermanentStepFailureException.class, result.errors().get(0).cause());
  }

  @Test
  void aBranchIsRetriedOnATimerWhileTheOtherWaits() throws Exception {
    AsyncParallelWorkflowRunner retrying = AsyncParallelWorkflowRunner.create(script, stages,
        StepSpec.builder("reserve").maxRetries(1).retryInterval(200).build());

    CompletableFuture<WorkflowResult<String>> run = retrying.runAsync("c6", options("tx-group-retry"));
    Stages.Call reserve = stages.next("reserve");
    Stages.Call quote = stages.next("quote");
    long failedAt = System.nanoTime();
    assertTrue(reserve.fail(new Boom("busy")));
    executor.drain();
    assertEquals(0, executor.active());
    assertTrue(quote.complete());
    Stages.Call again = stages.next("reserve");
    assertEquals(2, again.attempt());
    assertTrue(again.nanos() - failedAt >= 200_000_000L, (again.nanos() - failedAt) / 1_000_000 + " ms");
    assertTrue(again.complete());
    WorkflowResult<String> result = get(run);

    assertEquals(WorkflowStatus.DONE, result.status());
    assertEquals("order-c6 reservation-order-c6 quote=42", result.result());
    assertEquals(List.of("step-begin:reserve@1", "step-begin:reserve@2"), listener.lines("step-begin:reserve"));
  }
}
