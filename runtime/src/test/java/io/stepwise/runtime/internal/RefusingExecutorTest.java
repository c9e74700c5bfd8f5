package io.stepwise.runtime.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stepwise.runtime.RunOptions;
import io.stepwise.runtime.StepError;
import io.stepwise.runtime.WorkflowResult;
import io.stepwise.runtime.WorkflowStatus;
import io.stepwise.runtime.fixtures.AsyncShippingWorkflowRunner;
import io.stepwise.runtime.fixtures.Completer;
import io.stepwise.runtime.fixtures.ParallelWorkflow.Input;
import io.stepwise.runtime.fixtures.ParallelWorkflowRunner;
import io.stepwise.runtime.fixtures.Stages;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * An executor that refuses a run's task (shut down, its queue full): the run is neither lost nor
 * left waiting. {@code runAsync} throws as the executor does and keeps nothing for a cancel; a later
 * segment of an asynchronous run goes on in Stepwise's pool; a {@code @Parallel} step whose task is
 * refused fails before its first attempt, and the run is compensated.
 */
class RefusingExecutorTest extends AsyncRunTestSupport {

  @Test
  void runAsyncThrowsWhatTheExecutorThrowsAndACancelOfItsTransactionIdFindsNothing() throws Exception {
    RejectedExecutionException refused = new RejectedExecutionException("shut down");
    Executor refusing = task -> {
      throw refused;
    };
    AsyncShippingWorkflowRunner runner = AsyncShippingWorkflowRunner.create(script, stages);

    RejectedExecutionException thrown = assertThrows(RejectedExecutionException.class,
        () -> runner.runAsync("k1", optionsBuilder("tx-refused").executor(refusing).build()));

    assertSame(refused, thrown);
    assertFalse(runner.cancel("tx-refused"), "the refused run is not kept as queued");
    assertEquals(List.of(), script.events("invoke:"));
    // the transaction id is free: a run with it on a working executor is not cancelled by anything kept
    WorkflowResult<String> result = get(runner.runAsync("k1", options("tx-refused")));
    assertEquals(WorkflowStatus.DONE, result.status(), () -> result.errors().toString());
  }

  @Test
  void aSegmentTheExecutorRefusesGoesOnInStepwisesPool() throws Exception {
    stages.hold("charge");
    AtomicBoolean refuse = new AtomicBoolean();
    Executor refusingLater = task -> {
      if (refuse.get()) {
        throw new RejectedExecutionException("shut down");
      }
      executor.execute(task);
    };
    AsyncShippingWorkflowRunner runner = AsyncShippingWorkflowRunner.create(script, stages);

    CompletableFuture<WorkflowResult<String>> run = runner.runAsync("k2",
        optionsBuilder("tx-refused-later").executor(refusingLater).listener(listener).build());
    Stages.Call charge = stages.next("charge");
    // the segment that called charge has returned (the executor has one thread, in order): charge's
    // stage completes after the run waits for it, so the next segment goes through the executor
    CountDownLatch drained = new CountDownLatch(1);
    executor.execute(drained::countDown);
    assertTrue(drained.await(5, TimeUnit.SECONDS));
    refuse.set(true);
    Completer.on("http-client", () -> assertTrue(charge.complete()));
    WorkflowResult<String> result = get(run);

    assertEquals(WorkflowStatus.DONE, result.status(), () -> result.errors().toString());
    assertEquals(List.of(), result.errors());
    String shipThread = script.entry("invoke:ship@1").thread();
    assertTrue(shipThread.startsWith("stepwise-worker-"), shipThread); // not http-client's, nor inline
    assertEquals(List.of(), script.events("compensate:"));
  }

  @Test
  void aParallelStepWhoseTaskIsRefusedFailsBeforeItsFirstAttemptAndTheRunIsCompensated() {
    AtomicInteger tasks = new AtomicInteger();
    Executor refusesTheFirst = task -> {
      if (tasks.incrementAndGet() == 1) {
        throw new RejectedExecutionException("queue full");
      }
      task.run();
    };

    WorkflowResult<String> result = ParallelWorkflowRunner.create(script).run(new Input("ann", false),
        RunOptions.builder().throwOnError(false).executor(refusesTheFirst).listener(listener).build());

    assertEquals(WorkflowStatus.REVERTED, result.status());
    assertEquals(1, result.errors().size());
    StepError error = result.errors().get(0);
    assertEquals("reserve", error.step()); // the group's first step, whose task was refused
    assertEquals(0, error.attempts());
    assertTrue(error.cause() instanceof RejectedExecutionException, error.cause().toString());
    assertEquals(List.of(), script.events("invoke:reserve"));
    assertEquals(List.of("compensate:quote(42)@1", "compensate:create-order(order-ann)@1"),
        script.events("compensate:"));
    assertEquals(List.of(), script.events("invoke:confirm"));
  }
}
