package io.stepwise.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stepwise.runtime.RunOptions;
import io.stepwise.runtime.StepContext;
import io.stepwise.runtime.StepPhase;
import io.stepwise.runtime.StepTimeoutException;
import io.stepwise.runtime.WorkflowCancelledException;
import io.stepwise.runtime.WorkflowEvent;
import io.stepwise.runtime.WorkflowFailedException;
import io.stepwise.runtime.WorkflowListener;
import io.stepwise.runtime.WorkflowResult;
import io.stepwise.runtime.WorkflowStatus;
import io.stepwise.runtime.WorkflowTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Parallel groups, tolerated failures, timeouts, cancel, runAsync and listeners through generated runners. */
class RuntimeFeaturesTest {
  private final FulfilmentWorkflowRunner runner = new FulfilmentWorkflowRunner(new FulfilmentWorkflow());

  private static FulfilmentScript script() {
    return new FulfilmentScript(new Script("tx-" + UUID.randomUUID()));
  }

  private static List<String> undo(Script script) {
    return script.journal().stream().filter(s -> s.startsWith("undo:")).toList();
  }

  @Test
  void parallelStepsRunAtTheSameTimeAndTheirOutputsFlowOn() {
    FulfilmentScript run = script();
    // each parallel step waits for the other at a barrier: run one after the other, they would time out
    WorkflowResult<String> result = assertTimeoutPreemptively(Duration.ofSeconds(10),
        () -> runner.run(run, run.script.options()));

    assertEquals(WorkflowStatus.DONE, result.status(), result.toString());
    String order = "order-" + run.script.id;
    assertEquals("reservation-" + order + " label-" + order + " points=42", result.result());
  }

  @Test
  void failedParallelStepLetsItsPartnerFinishThenCompensatesBothBranchesAndEarlierSteps() {
    FulfilmentScript run = script();
    run.script.failAlways("label");
    WorkflowResult<String> result = runner.run(run, run.script.options());

    assertEquals(WorkflowStatus.REVERTED, result.status());
    String order = "order-" + run.script.id;
    assertEquals(List.of("undo:reserve reservation-" + order, "undo:order " + order), undo(run.script));
    assertEquals(1, run.script.calls("reserve"), "the partner of the failed step ran to completion");
    assertEquals("label", result.errors().get(0).step());
    assertEquals(0, run.script.calls("loyalty"));
  }

  @Test
  void toleratedFailureIsRecordedAndTheRunGoesOnWithoutTheOutput() {
    FulfilmentScript run = script();
    run.script.failAlways("loyalty");
    WorkflowResult<String> result = runner.run(run, run.script.options());

    assertEquals(WorkflowStatus.DONE, result.status());
    assertTrue(result.result().endsWith("points=none"), result.result());
    assertEquals(1, result.errors().size());
    assertEquals("loyalty", result.errors().get(0).step());
    assertEquals(StepPhase.INVOKE, result.errors().get(0).phase());
    assertEquals(List.of(), undo(run.script));
  }

  @Test
  void stepOverItsTimeoutIsInterruptedAndRetried() {
    FulfilmentScript run = script();
    run.slowMillis = new long[] {5_000, 0};
    WorkflowResult<String> result = assertTimeoutPreemptively(Duration.ofSeconds(3),
        () -> runner.run(run, run.script.options()));

    assertEquals(WorkflowStatus.DONE, result.status());
    assertEquals(2, run.script.calls("slow"));
  }

  @Test
  void stepThatTimesOutOnEveryAttemptFailsTheRunWithStepTimeoutException() {
    FulfilmentScript run = script();
    run.slowMillis = new long[] {5_000};
    WorkflowResult<String> result = assertTimeoutPreemptively(Duration.ofSeconds(3),
        () -> runner.run(run, run.script.options()));

    assertEquals(WorkflowStatus.REVERTED, result.status());
    assertEquals("slow", result.errors().get(0).step());
    assertEquals(2, result.errors().get(0).attempts());
    StepTimeoutException timeout = assertInstanceOf(StepTimeoutException.class, result.errors().get(0).cause());
    assertTrue(timeout.getMessage().contains("'slow' timed out after 300 ms"), timeout.getMessage());
    assertTrue(undo(run.script).contains("undo:order order-" + run.script.id));
    assertTrue(!Thread.currentThread().isInterrupted());
  }

  @Test
  void workflowTimeoutInterruptsTheRunningStepWithoutRetryAndCompensates() {
    Script script = new Script("tx-" + UUID.randomUUID());
    WorkflowResult<Void> result = assertTimeoutPreemptively(Duration.ofSeconds(3),
        () -> new DeadlineWorkflowRunner(new DeadlineWorkflow()).run(script, script.options()));

    assertEquals(WorkflowStatus.REVERTED, result.status());
    assertEquals(1, script.calls("long"), "a workflow timeout is not retried");
    assertInstanceOf(WorkflowTimeoutException.class, result.errors().get(0).cause());
    assertEquals(List.of("undo:quick"), undo(script));
  }

  @Test
  void cancelLetsTheCurrentStepFinishThenCompensates() throws Exception {
    FulfilmentScript run = script();
    run.holdSlow = true;
    CompletableFuture<WorkflowResult<String>> future = runner.runAsync(run, run.script.options());
    assertTrue(run.slowEntered.await(5, TimeUnit.SECONDS));

    assertTrue(runner.cancel(run.script.id));
    run.releaseSlow.countDown();
    WorkflowResult<String> result = future.get(5, TimeUnit.SECONDS);

    assertEquals(WorkflowStatus.REVERTED, result.status());
    assertEquals(0, run.script.calls("ship"));
    assertEquals("ship", result.errors().get(0).step());
    assertEquals(0, result.errors().get(0).attempts());
    assertInstanceOf(WorkflowCancelledException.class, result.errors().get(0).cause());
    String order = "order-" + run.script.id;
    List<String> undone = undo(run.script);
    assertEquals(3, undone.size(), undone.toString());
    // the two parallel steps in reverse order of their completion (either may finish first), then the order
    assertEquals(List.of("undo:label label-" + order, "undo:reserve reservation-" + order),
        undone.subList(0, 2).stream().sorted().toList());
    assertEquals("undo:order " + order, undone.get(2));
    assertEquals(false, runner.cancel(run.script.id), "the run is over");
  }

  @Test
  void cancelRightAfterRunAsyncStopsTheQueuedRunBeforeItsFirstStep() throws Exception {
    FulfilmentScript run = script();
    java.util.List<Runnable> queued = new java.util.concurrent.CopyOnWriteArrayList<>();
    RunOptions options = RunOptions.builder().transactionId(run.script.id).throwOnError(false)
        .executor(queued::add).build(); // holds the run until the test starts it
    CompletableFuture<WorkflowResult<String>> future = runner.runAsync(run, options);

    assertTrue(runner.cancel(run.script.id), "the queued run is found");
    assertEquals(1, queued.size());
    queued.get(0).run();
    WorkflowResult<String> result = future.get(5, TimeUnit.SECONDS);

    assertEquals(WorkflowStatus.REVERTED, result.status());
    assertEquals(0, run.script.calls("order"));
    assertEquals(0, result.errors().get(0).attempts());
    assertInstanceOf(WorkflowCancelledException.class, result.errors().get(0).cause());
    assertEquals(false, runner.cancel(run.script.id), "the run is over");
  }

  @Test
  void runAsyncCompletesExceptionallyWithWorkflowFailedException() {
    FulfilmentScript run = script();
    run.script.failAlways("order");
    CompletableFuture<WorkflowResult<String>> future = runner.runAsync(run,
        RunOptions.builder().transactionId(run.script.id).build());

    CompletionException e = org.junit.jupiter.api.Assertions.assertThrows(CompletionException.class, future::join);
    WorkflowFailedException failed = assertInstanceOf(WorkflowFailedException.class, e.getCause());
    assertEquals(WorkflowStatus.REVERTED, failed.result().status());
  }

  @Test
  void listenerHearsEveryEventOfARun() {
    List<String> events = new CopyOnWriteArrayList<>();
    WorkflowListener listener = new WorkflowListener() {
      @Override public void onBegin(WorkflowEvent run) { events.add("begin " + run.workflowName()); }
      @Override public void onStepBegin(StepContext step) { events.add("step " + step.stepName()); }
      @Override public void onStepSuccess(StepContext step, Object output) { events.add("ok " + step.stepName()); }
      @Override public void onStepFailure(StepContext step, Throwable error) { events.add("failed " + step.stepName()); }
      @Override public void onCompensateBegin(WorkflowEvent run) { events.add("compensate"); }
      @Override public void onCompensateStepSuccess(StepContext step) { events.add("undone " + step.stepName()); }
      @Override public void onFinish(WorkflowResult<?> result) { events.add("finish " + result.status()); }
    };
    FulfilmentScript run = script();
    run.script.failAlways("ship");
    runner.run(run, RunOptions.builder().transactionId(run.script.id).throwOnError(false).listener(listener).build());

    List<String> sequential = events.stream()
        .filter(e -> !e.endsWith(" reserve") && !e.endsWith(" label")).toList();
    assertEquals(List.of("begin fulfilment", "step order", "ok order", "step loyalty", "ok loyalty", "step slow",
        "ok slow", "step ship", "failed ship", "compensate", "undone order", "finish REVERTED"), sequential);
    assertTrue(events.containsAll(List.of("step reserve", "ok reserve", "step label", "ok label", "undone reserve",
        "undone label")), events.toString());
  }
}
