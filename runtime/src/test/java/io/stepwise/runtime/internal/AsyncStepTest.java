package io.stepwise.runtime.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stepwise.runtime.PermanentStepFailureException;
import io.stepwise.runtime.RunOptions;
import io.stepwise.runtime.StepResponse;
import io.stepwise.runtime.WorkflowFailedException;
import io.stepwise.runtime.WorkflowResult;
import io.stepwise.runtime.WorkflowStatus;
import io.stepwise.runtime.fixtures.AsyncShippingWorkflowRunner;
import io.stepwise.runtime.fixtures.Completer;
import io.stepwise.runtime.fixtures.Script;
import io.stepwise.runtime.fixtures.Script.Boom;
import io.stepwise.runtime.fixtures.Stages;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@link AsyncRun}: what a step's {@code CompletionStage} means for the run. A stage that fails is
 * the step's failure (its cause unwrapped), retried and compensated as for a synchronous step; a
 * null stage, a throw before the stage, {@code permanentFailure}, tolerated failures and conditions
 * behave as in a synchronous run; {@code run} throws and {@code runAsync} fails with
 * {@link WorkflowFailedException}.
 */
class AsyncStepTest extends AsyncRunTestSupport {

  // ---------------------------------------------------------------- fatal errors

  /**
   * A fatal error of the JVM in a later segment (here thrown by attempt 2, which runs in the callback
   * of attempt 1's failed stage) ends the run's future with it, instead of leaving it pending.
   */
  @Test
  void aFatalErrorInALaterSegmentEndsTheRunsFutureAndTheRunLeavesTheRegistry() throws Exception {
    stages.hold("charge");
    script.onInvoke("charge", ctx -> {
      if (ctx.attempt() == 2) {
        throw new StackOverflowError("deep");
      }
      return null;
    });
    AsyncShippingWorkflowRunner runner = AsyncShippingWorkflowRunner.create(script, stages,
        StepSpec.builder("charge").maxRetries(1).build());

    CompletableFuture<WorkflowResult<String>> run = runner.runAsync("k6", options("tx-fatal"));
    Stages.Call first = stages.next("charge");
    Completer.on("http-client", () -> assertTrue(first.fail(new Boom("declined"))));

    ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
        () -> run.get(5, TimeUnit.SECONDS));
    assertInstanceOf(StackOverflowError.class, e.getCause());
    org.junit.jupiter.api.Assertions.assertFalse(runner.cancel("tx-fatal"), "the broken run left the registry");
  }

  // ---------------------------------------------------------------- failure and compensation

  @Test
  void aStageThatFailsLaterFailsTheStepAndCompensatesTheCompletedStepsInReverse() throws Exception {
    stages.hold("label");
    AsyncShippingWorkflowRunner runner = AsyncShippingWorkflowRunner.create(script, stages);
    Boom boom = new Boom("label rejected");

    CompletableFuture<WorkflowResult<String>> run = runner.runAsync("k1", options("tx-fail"));
    Stages.Call label = stages.next("label");
    Completer.on("http-client", () -> label.fail(boom));
    WorkflowResult<String> result = get(run);

    assertEquals(WorkflowStatus.REVERTED, result.status());
    assertNull(result.result());
    assertEquals(List.of(
        "invoke:reserve@1", "invoke:charge@1", "invoke:gift@1", "invoke:label@1",
        "compensate:gift(gift-k1)@1",
        "compensate:charge(charge-reservation-k1)@1",
        "compensate:reserve(res-k1)@1"), script.events("invoke:", "compensate:"));
    assertEquals(List.of("label/INVOKE/1"), describe(result.errors()));
    assertSame(boom, result.errors().get(0).cause(), "the stage's own exception, not a CompletionException");
  }

  @Test
  void theCauseOfAStageThatFailedInsideAChainIsUnwrappedAndTheLastAttemptsIsRecorded() throws Exception {
    List<Boom> booms = new CopyOnWriteArrayList<>();
    // the user's stage is a chain whose function threw: it fails with a CompletionException around the Boom
    stages.reply("charge", (ctx, normal) -> CompletableFuture.supplyAsync(() -> "rate", callers).thenApply(rate -> {
      Boom boom = new Boom("card declined on attempt " + ctx.attempt());
      booms.add(boom);
      throw boom;
    }));
    AsyncShippingWorkflowRunner runner = AsyncShippingWorkflowRunner.create(script, stages, StepSpec.of("charge", 1));

    WorkflowResult<String> result = get(runner.runAsync("k2", options("tx-chain")));

    assertEquals(WorkflowStatus.REVERTED, result.status());
    assertEquals(List.of("invoke:reserve@1", "invoke:charge@1", "invoke:charge@2", "compensate:reserve(res-k2)@1"),
        script.events("invoke:", "compensate:"));
    assertEquals(List.of("charge/INVOKE/2"), describe(result.errors()));
    assertEquals(2, booms.size());
    assertSame(booms.get(1), result.errors().get(0).cause());
    assertEquals(List.of("step-failure:charge@2:Boom"), listener.lines("step-failure:"));
  }

  @Test
  void aStageCompletedExceptionallyWithACompletionExceptionFailsWithItsCause() throws Exception {
    Boom boom = new Boom("gift shop closed");
    stages.reply("gift", Stages.failed(new CompletionException(boom)));
    AsyncShippingWorkflowRunner runner = AsyncShippingWorkflowRunner.create(script, stages);

    WorkflowResult<String> result = get(runner.runAsync("k3", options("tx-wrapped")));

    assertEquals(WorkflowStatus.REVERTED, result.status());
    assertEquals(List.of("gift/INVOKE/1"), describe(result.errors()));
    assertSame(boom, result.errors().get(0).cause());
    assertEquals(List.of("compensate:charge(charge-reservation-k3)@1", "compensate:reserve(res-k3)@1"),
        script.events("compensate:"));
  }

  // ---------------------------------------------------------------- null stage, throw before the stage

  @Test
  void aStepThatReturnsANullStageFailsWithoutRetry() throws Exception {
    stages.reply("charge", (ctx, normal) -> null);
    AsyncShippingWorkflowRunner runner = AsyncShippingWorkflowRunner.create(script, stages, StepSpec.of("charge", 3));

    WorkflowResult<String> result = get(runner.runAsync("k4", options("tx-null")));

    assertEquals(WorkflowStatus.REVERTED, result.status());
    assertEquals(List.of("invoke:reserve@1", "invoke:charge@1", "compensate:reserve(res-k4)@1"),
        script.events("invoke:", "compensate:"));
    assertEquals(List.of("charge/INVOKE/1"), describe(result.errors()));
    IllegalStateException cause = assertInstanceOf(IllegalStateException.class, result.errors().get(0).cause());
    assertTrue(cause.getMessage().contains("'charge'"), cause.getMessage());
    assertTrue(cause.getMessage().contains("CompletionStage"), cause.getMessage());
  }

  @Test
  void aStepThatThrowsBeforeReturningAStageIsAFailedAttemptAndIsRetried() throws Exception {
    script.onInvoke("charge", Script.fail(1));
    AsyncShippingWorkflowRunner runner = AsyncShippingWorkflowRunner.create(script, stages, StepSpec.of("charge", 1));

    WorkflowResult<String> result = get(runner.runAsync("k5", options("tx-throw-retry")));

    assertEquals(WorkflowStatus.DONE, result.status());
    assertEquals("shipped k5 with charge-reservation-k5, gift gift-k5, label label-k5", result.result());
    assertEquals(List.of("invoke:charge@1", "throw:charge@1:Boom", "invoke:charge@2", "return:charge@2"),
        script.events("invoke:charge", "throw:charge", "return:charge"));
    assertEquals(List.of("step-begin:charge@1", "step-begin:charge@2"), listener.lines("step-begin:charge"));
    assertEquals(List.of(), result.errors());
  }

  @Test
  void aStepThatAlwaysThrowsBeforeReturningAStageFailsWithItsLastException() throws Exception {
    script.onInvoke("charge", Script.failAlways());
    AsyncShippingWorkflowRunner runner = AsyncShippingWorkflowRunner.create(script, stages, StepSpec.of("charge", 1));

    WorkflowResult<String> result = get(runner.runAsync("k6", options("tx-throw")));

    assertEquals(WorkflowStatus.REVERTED, result.status());
    assertEquals(List.of("charge/INVOKE/2"), describe(result.errors()));
    assertSame(script.thrown("charge").get(1), result.errors().get(0).cause());
    assertEquals(List.of("compensate:reserve(res-k6)@1"), script.events("compensate:"));
  }

  @Test
  void thousandsOfImmediateRetriesOfAStageThatFailsAtOnceEndTheRun() throws Exception {
    // regression: each immediate retry of an attempt that failed at once used to deepen the stack;
    // at a few hundred retries the StackOverflowError was swallowed by a callback and the run never ended
    int retries = 5_000;
    List<Boom> booms = new CopyOnWriteArrayList<>();
    stages.reply("charge", (ctx, normal) -> {
      Boom boom = new Boom("declined on attempt " + ctx.attempt());
      booms.add(boom);
      return CompletableFuture.failedFuture(boom);
    });
    AsyncShippingWorkflowRunner runner = AsyncShippingWorkflowRunner.create(script, stages, StepSpec.of("charge", retries));

    WorkflowResult<String> result = get(runner.runAsync("k16", options("tx-many-retries")));

    assertEquals(WorkflowStatus.REVERTED, result.status());
    assertEquals(List.of("charge/INVOKE/" + (retries + 1)), describe(result.errors()));
    assertEquals(retries + 1, booms.size());
    assertSame(booms.get(retries), result.errors().get(0).cause());
    assertEquals(List.of("compensate:reserve(res-k16)@1"), script.events("compensate:"));
  }

  @Test
  void thousandsOfImmediateRetriesOfAStepThatThrowsEndTheRun() throws Exception {
    int retries = 5_000;
    script.onInvoke("charge", Script.failAlways());
    AsyncShippingWorkflowRunner runner = AsyncShippingWorkflowRunner.create(script, stages, StepSpec.of("charge", retries));

    WorkflowResult<String> result = get(runner.runAsync("k17", options("tx-many-throws")));

    assertEquals(WorkflowStatus.REVERTED, result.status());
    assertEquals(List.of("charge/INVOKE/" + (retries + 1)), describe(result.errors()));
    assertSame(script.thrown("charge").get(retries), result.errors().get(0).cause());
  }

  // ---------------------------------------------------------------- permanentFailure

  @Test
  void permanentFailureWithACompensationInputCompensatesTheFailingStepFirstWithoutRetry() throws Exception {
    stages.hold("label");
    AsyncShippingWorkflowRunner runner = AsyncShippingWorkflowRunner.create(script, stages, StepSpec.of("label", 3));

    CompletableFuture<WorkflowResult<String>> run = runner.runAsync("k7", options("tx-permanent"));
    Stages.Call label = stages.next("label");
    Completer.on("http-client",
        () -> label.complete(StepResponse.permanentFailure("printer jammed", "label-partial-k7")));
    WorkflowResult<String> result = get(run);

    assertEquals(WorkflowStatus.REVERTED, result.status());
    assertEquals(List.of(
        "invoke:reserve@1", "invoke:charge@1", "invoke:gift@1", "invoke:label@1",
        "compensate:label(label-partial-k7)@1",
        "compensate:gift(gift-k7)@1",
        "compensate:charge(charge-reservation-k7)@1",
        "compensate:reserve(res-k7)@1"), script.events("invoke:", "compensate:"));
    assertEquals(List.of("label/INVOKE/1"), describe(result.errors()));
    PermanentStepFailureException cause =
        assertInstanceOf(PermanentStepFailureException.class, result.errors().get(0).cause());
    assertEquals("printer jammed", cause.getMessage());
  }

  @Test
  void permanentFailureWithoutACompensationInputDoesNotCompensateTheFailingStep() throws Exception {
    stages.reply("label", (ctx, normal) -> CompletableFuture.completedFuture(StepResponse.permanentFailure("no label")));
    AsyncShippingWorkflowRunner runner = AsyncShippingWorkflowRunner.create(script, stages, StepSpec.of("label", 3));

    WorkflowResult<String> result = get(runner.runAsync("k8", options("tx-permanent-plain")));

    assertEquals(WorkflowStatus.REVERTED, result.status());
    assertEquals(List.of("invoke:label@1"), script.events("invoke:label"));
    assertEquals(List.of("compensate:gift(gift-k8)@1", "compensate:charge(charge-reservation-k8)@1",
        "compensate:reserve(res-k8)@1"), script.events("compensate:"));
  }

  // ---------------------------------------------------------------- run throws, runAsync fails

  @Test
  void runWaitsOnTheCallerAndThrowsWorkflowFailedException() throws Exception {
    stages.hold("label");
    AsyncShippingWorkflowRunner runner = AsyncShippingWorkflowRunner.create(script, stages);
    Boom boom = new Boom("label rejected");

    CompletableFuture<Thread> callerThread = new CompletableFuture<>();
    Future<WorkflowFailedException> run = callers.submit(() -> {
      callerThread.complete(Thread.currentThread());
      return assertThrows(WorkflowFailedException.class,
          () -> runner.run("k9", RunOptions.builder().transactionId("tx-run-throws").executor(executor).build()));
    });
    Stages.Call label = stages.next("label");
    Completer.awaitParked(get(callerThread)); // the caller waits for the run: it has handed over
    Completer.on("http-client", () -> label.fail(boom));
    WorkflowFailedException e = get(run);

    assertSame(boom, e.getCause());
    assertEquals(WorkflowStatus.REVERTED, e.result().status());
    assertEquals("tx-run-throws", e.result().transactionId());
    assertEquals(List.of("label/INVOKE/1"), describe(e.result().errors()));
    assertEquals(3, script.events("compensate:").size());
    // run() starts on the caller: its steps run there until the first stage that has to wait
    String caller = script.entry("invoke:reserve@1").thread();
    assertTrue(caller.startsWith("pool-"), caller);
    assertEquals(caller, script.entry("invoke:label@1").thread());
    assertEquals(executor.threadName(), script.entry("compensate:reserve(res-k9)@1").thread());
  }

  @Test
  void runReturnsTheResultOfASuccessfulRun() {
    AsyncShippingWorkflowRunner runner = AsyncShippingWorkflowRunner.create(script, stages);

    WorkflowResult<String> result = runner.run("k10", RunOptions.builder().transactionId("tx-run").executor(executor).build());

    assertEquals(WorkflowStatus.DONE, result.status());
    assertEquals("shipped k10 with charge-reservation-k10, gift gift-k10, label label-k10", result.result());
  }

  @Test
  void runAsyncCompletesExceptionallyWithWorkflowFailedException() throws Exception {
    Boom boom = new Boom("no stock");
    stages.reply("charge", Stages.failed(boom));
    AsyncShippingWorkflowRunner runner = AsyncShippingWorkflowRunner.create(script, stages);

    CompletableFuture<WorkflowResult<String>> run = runner.runAsync("k11",
        RunOptions.builder().transactionId("tx-async-throws").executor(executor).build());
    ExecutionException thrown = assertThrows(ExecutionException.class, () -> run.get(5, TimeUnit.SECONDS));

    WorkflowFailedException e = assertInstanceOf(WorkflowFailedException.class, thrown.getCause());
    assertTrue(run.isCompletedExceptionally());
    assertSame(boom, e.getCause());
    assertEquals(WorkflowStatus.REVERTED, e.result().status());
    assertEquals(List.of("charge/INVOKE/1"), describe(e.result().errors()));
    CompletionException joined = assertThrows(CompletionException.class, run::join);
    assertSame(e, joined.getCause());
  }

  // ---------------------------------------------------------------- tolerated failures and conditions

  @Test
  void aToleratedFailureOfAnAsyncStepLeavesItWithoutAnOutputAndTheRunGoesOn() throws Exception {
    stages.hold("label");
    AsyncShippingWorkflowRunner runner = AsyncShippingWorkflowRunner.create(script, stages,
        StepSpec.builder("label").maxRetries(1).onFailure(StepSpec.OnFailure.CONTINUE).build());
    Boom second = new Boom("label rejected twice");

    CompletableFuture<WorkflowResult<String>> run = runner.runAsync("k12", options("tx-tolerated"));
    stages.next("label").fail(new Boom("label rejected"));
    stages.next("label").fail(second);
    WorkflowResult<String> result = get(run);

    assertEquals(WorkflowStatus.DONE, result.status());
    assertEquals("shipped k12 with charge-reservation-k12, gift gift-k12, label none", result.result());
    assertEquals(List.of("label/INVOKE/2"), describe(result.errors()));
    assertSame(second, result.errors().get(0).cause());
    assertEquals(List.of(), script.events("compensate:"));
    assertEquals(List.of("invoke:label@1", "invoke:label@2", "invoke:ship@1"), script.events("invoke:label", "invoke:ship"));
  }

  @Test
  void aStepWhoseConditionIsFalseIsNeitherInvokedNorCompensatedAndHasNoOutput() throws Exception {
    script.onCondition("gift", ctx -> false);
    script.onInvoke("ship", Script.failAlways());
    AsyncShippingWorkflowRunner runner = AsyncShippingWorkflowRunner.create(script, stages);

    WorkflowResult<String> result = get(runner.runAsync("k13", options("tx-skipped")));

    assertEquals(WorkflowStatus.REVERTED, result.status());
    assertEquals(List.of("invoke:reserve@1", "invoke:charge@1", "when:gift=false", "invoke:label@1", "invoke:ship@1",
        "compensate:label(label-id-k13)@1",
        "compensate:charge(charge-reservation-k13)@1",
        "compensate:reserve(res-k13)@1"), script.events("invoke:", "when:", "compensate:"));
    assertEquals(List.of("step-skipped:gift@1"), listener.lines("step-skipped:"));
  }

  @Test
  void aFalseConditionAndAToleratedFailureBothGiveAnEmptyOptional() throws Exception {
    script.onCondition("gift", ctx -> false);
    stages.reply("label", Stages.failed(new Boom("label rejected")));
    AsyncShippingWorkflowRunner runner = AsyncShippingWorkflowRunner.create(script, stages,
        StepSpec.builder("label").onFailure(StepSpec.OnFailure.CONTINUE).build());

    WorkflowResult<String> result = get(runner.runAsync("k14", options("tx-empty")));

    assertEquals(WorkflowStatus.DONE, result.status());
    assertEquals("shipped k14 with charge-reservation-k14, gift none, label none", result.result());
    assertEquals(List.of("label/INVOKE/1"), describe(result.errors()));
  }

  @Test
  void aConditionThatThrowsFailsTheStepAndCompensates() throws Exception {
    Boom boom = new Boom("condition broke");
    script.onCondition("gift", ctx -> {
      throw boom;
    });
    AsyncShippingWorkflowRunner runner = AsyncShippingWorkflowRunner.create(script, stages);

    WorkflowResult<String> result = get(runner.runAsync("k15", options("tx-condition-throws")));

    assertEquals(WorkflowStatus.REVERTED, result.status());
    assertEquals(List.of("gift/INVOKE/1"), describe(result.errors()));
    assertSame(boom, result.errors().get(0).cause());
    assertEquals(List.of(), script.events("invoke:gift"));
    assertEquals(List.of("compensate:charge(charge-reservation-k15)@1", "compensate:reserve(res-k15)@1"),
        script.events("compensate:"));
  }
}
