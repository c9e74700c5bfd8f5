package io.stepwise.runtime.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stepwise.runtime.RunOptions;
import io.stepwise.runtime.WorkflowResult;
import io.stepwise.runtime.WorkflowStatus;
import io.stepwise.runtime.fixtures.AsyncShippingWorkflowRunner;
import io.stepwise.runtime.fixtures.Completer;
import io.stepwise.runtime.fixtures.Script;
import io.stepwise.runtime.fixtures.Stages;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/**
 * {@link AsyncRun}: no thread waits for a step's {@code CompletionStage}. While a run waits, it holds
 * no thread at all; when the stage completes, the run goes on in a task on the run's executor, never
 * on the thread that completed the stage.
 */
class AsyncNonBlockingTest extends AsyncRunTestSupport {
  static final int RUNS = 200;

  /** This class's runs have no listener: the options of {@link #optionsBuilder} alone. */
  @Override
  RunOptions options(String tx) {
    return optionsBuilder(tx).build();
  }

  static String shipped(String order) {
    return "shipped " + order + " with charge-reservation-" + order + ", gift gift-" + order + ", label label-" + order;
  }

  @Test
  void runAsyncOnAnExecutorThatRefusesTheRunThrowsAndLeavesNothingToCancel() {
    AsyncShippingWorkflowRunner runner = AsyncShippingWorkflowRunner.create(script, stages);
    RunOptions refusing = RunOptions.builder().transactionId("tx-refused").executor(task -> {
      throw new java.util.concurrent.RejectedExecutionException("shut down");
    }).build();

    org.junit.jupiter.api.Assertions.assertThrows(java.util.concurrent.RejectedExecutionException.class,
        () -> runner.runAsync("k9", refusing));
    org.junit.jupiter.api.Assertions.assertFalse(runner.cancel("tx-refused"), "no run is queued");
    assertEquals(List.of(), script.events("invoke:"));
  }

  @Test
  void twoHundredRunsWaitAtTheSameTimeOnAOneThreadExecutorAndAllFinish() throws Exception {
    stages.hold("charge");
    AsyncShippingWorkflowRunner runner = AsyncShippingWorkflowRunner.create(script, stages);
    int threadsBefore = ManagementFactory.getThreadMXBean().getThreadCount();

    List<CompletableFuture<WorkflowResult<String>>> runs = new ArrayList<>();
    for (int i = 0; i < RUNS; i++) {
      runs.add(runner.runAsync("k" + i, options("tx-" + i)));
    }
    // every run reaches its asynchronous step while all the others wait in theirs: a runtime that
    // waited on the executor's one thread would never call the second run's step (next() fails after 5 s)
    Map<String, Stages.Call> waiting = new HashMap<>();
    for (int i = 0; i < RUNS; i++) {
      Stages.Call call = stages.next("charge");
      waiting.put(call.transactionId(), call);
    }
    assertEquals(RUNS, waiting.size());
    executor.drain();

    // all 200 wait at once, and no task of the executor is running: the runs hold no thread
    assertTrue(runs.stream().noneMatch(CompletableFuture::isDone));
    assertEquals(0, executor.active());
    assertEquals(RUNS, executor.submitted(), "one task per run: the one that started it");
    assertEquals(RUNS, executor.finished());
    int threadsGrown = ManagementFactory.getThreadMXBean().getThreadCount() - threadsBefore;
    assertTrue(threadsGrown < 20, "the waiting runs hold " + threadsGrown + " new threads");
    assertEquals(List.of(), script.events("invoke:gift", "invoke:ship"));

    // complete them all, in reverse order, from another thread
    Completer.on("http-client", () -> {
      for (int i = RUNS - 1; i >= 0; i--) {
        assertTrue(waiting.get("tx-" + i).complete());
      }
    });
    for (int i = 0; i < RUNS; i++) {
      WorkflowResult<String> result = get(runs.get(i));
      assertEquals(WorkflowStatus.DONE, result.status(), "run " + i + ": " + result.errors());
      assertEquals(shipped("k" + i), result.result());
      assertEquals("tx-" + i, result.transactionId());
      assertEquals(List.of(), result.errors());
    }
    assertEquals(RUNS, script.events("invoke:ship@1").size());
    executor.drain();
    // one more task per run: the segment after its stage completed (the later stages were complete at once)
    assertEquals(2 * RUNS, executor.submitted());
    assertEquals(List.of(), executor.leftovers());
  }

  @Test
  void theRunGoesOnOnItsExecutorNeverOnTheThreadThatCompletedTheStage() throws Exception {
    stages.hold("charge").hold("label");
    AsyncShippingWorkflowRunner runner = AsyncShippingWorkflowRunner.create(script, stages);

    CompletableFuture<WorkflowResult<String>> run = runner.runAsync("k1", options("tx-threads"));
    Stages.Call charge = stages.next("charge");
    executor.drain(); // the segment that called charge has handed over: the completion is taken up by a new one
    Completer.Done first = Completer.on("http-client-1", () -> assertTrue(charge.complete()));
    Stages.Call label = stages.next("label");
    executor.drain();
    Completer.Done second = Completer.on("http-client-2", () -> assertTrue(label.complete()));
    WorkflowResult<String> result = get(run);

    assertEquals(WorkflowStatus.DONE, result.status());
    assertEquals(shipped("k1"), result.result());
    String exec = executor.threadName();
    assertEquals(exec, script.entry("invoke:reserve@1").thread());
    assertEquals(exec, charge.thread());
    // after charge's stage completed on http-client-1: the condition, gift and label on the executor
    assertEquals(exec, script.entry("when:gift=true").thread());
    assertEquals(exec, script.entry("invoke:gift@1").thread());
    assertEquals(exec, label.thread());
    // after label's stage completed on http-client-2: ship on the executor
    assertEquals(exec, script.entry("invoke:ship@1").thread());
    assertEquals("http-client-1", first.thread());
    assertEquals("http-client-2", second.thread());
    assertEquals(List.of("invoke:reserve@1", "invoke:charge@1", "invoke:gift@1", "invoke:label@1", "invoke:ship@1"),
        script.events("invoke:"));
    executor.drain();
    assertEquals(3, executor.submitted(), "the start, and one segment after each stage completed");
    assertEquals(List.of(), executor.leftovers());
  }

  @Test
  void compensationsAfterAStageFailedOnAnotherThreadRunOnTheExecutor() throws Exception {
    stages.hold("label");
    AsyncShippingWorkflowRunner runner = AsyncShippingWorkflowRunner.create(script, stages);

    CompletableFuture<WorkflowResult<String>> run = runner.runAsync("k2", options("tx-comp-thread"));
    Stages.Call label = stages.next("label");
    Completer.on("http-client", () -> label.fail(new Script.Boom("label rejected")));
    WorkflowResult<String> result = get(run);

    assertEquals(WorkflowStatus.REVERTED, result.status());
    String exec = executor.threadName();
    assertEquals(exec, script.entry("compensate:gift(gift-k2)@1").thread());
    assertEquals(exec, script.entry("compensate:charge(charge-reservation-k2)@1").thread());
    assertEquals(exec, script.entry("compensate:reserve(res-k2)@1").thread());
  }

  @Test
  void runAsyncReturnsAtOnceAndRunsEveryStepOnTheExecutor() throws Exception {
    AsyncShippingWorkflowRunner runner = AsyncShippingWorkflowRunner.create(script, stages);
    CountDownLatch gate = executor.block(); // the executor's one thread is busy until the gate opens

    CompletableFuture<WorkflowResult<String>> run = runner.runAsync("k3", options("tx-at-once"));
    assertFalse(run.isDone());
    assertEquals(List.of(), script.events(), "runAsync ran a step on the caller");
    gate.countDown();
    WorkflowResult<String> result = get(run);

    assertEquals(WorkflowStatus.DONE, result.status());
    assertEquals(shipped("k3"), result.result());
    for (String step : List.of("reserve", "charge", "gift", "label", "ship")) {
      assertEquals(executor.threadName(), script.entry("invoke:" + step + "@1").thread(), step);
    }
  }

  @Test
  void withoutAnExecutorTheRunGoesOnInStepwisesPool() throws Exception {
    stages.hold("charge");
    AsyncShippingWorkflowRunner runner = AsyncShippingWorkflowRunner.create(script, stages);

    CompletableFuture<WorkflowResult<String>> run = runner.runAsync("k4",
        RunOptions.builder().transactionId("tx-pool").throwOnError(false).build());
    Stages.Call charge = stages.next("charge");
    Completer.on("http-client", () -> assertTrue(charge.complete()));
    WorkflowResult<String> result = get(run);

    assertEquals(WorkflowStatus.DONE, result.status());
    assertTrue(charge.thread().startsWith("stepwise-worker-"), charge.thread());
    String ship = script.entry("invoke:ship@1").thread();
    assertTrue(ship.startsWith("stepwise-worker-"), ship);
    assertNotEquals("http-client", ship);
  }
}
