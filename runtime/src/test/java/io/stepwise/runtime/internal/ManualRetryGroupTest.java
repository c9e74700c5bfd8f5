package io.stepwise.runtime.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stepwise.runtime.Container;
import io.stepwise.runtime.ManualStepFailureException;
import io.stepwise.runtime.RunOptions;
import io.stepwise.runtime.StepContext;
import io.stepwise.runtime.WorkflowListener;
import io.stepwise.runtime.WorkflowResult;
import io.stepwise.runtime.WorkflowStatus;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Waits for a manual retry ({@code autoRetry = false}) in a {@code @Parallel} group and in a child
 * workflow: a waiting member is retried or failed while its sibling completes, and a sibling's
 * failure for good ends the wait without a further attempt; a step of a child run is retried or
 * failed through a registry of the child's workflow (the child's transaction id is its parent's,
 * then '/' and the parent's step), and a cancel of the parent ends the child's wait.
 */
class ManualRetryGroupTest {
  static final StepSpec LABEL = StepSpec.of("label", 0);
  static final StepSpec CHARGE = StepSpec.builder("charge").maxRetries(2).autoRetry(false).build();
  static final StepSpec SHIP = StepSpec.of("ship", 0);
  static final WorkflowSpec GROUP = WorkflowSpec.of(1, "packing", LABEL, CHARGE, SHIP);
  static final StepSpec ORDER = StepSpec.of("order", 0);
  static final StepSpec PAY = StepSpec.of("pay", 0);
  static final WorkflowSpec PARENT = WorkflowSpec.of(1, "order", ORDER, PAY);

  /** The steps' actions and events, and the child workflow: see {@link Payment}. */
  final Payment steps = new Payment();
  final List<String> events = steps.events;
  final RunRegistry runs = new RunRegistry();
  /** Counted down when a listener hears that label failed for good. */
  final CountDownLatch labelFailed = new CountDownLatch(1);
  final RunOptions options = RunOptions.builder().transactionId("t-1").throwOnError(false)
      .listener(steps.listener).listener(new WorkflowListener() {
        @Override
        public void onStepFailure(StepContext step, Throwable error) {
          if (step.stepName().equals("label")) {
            labelFailed.countDown();
          }
        }
      }).build();

  /** A group of label and charge, then ship, which takes both outputs. */
  CompletableFuture<WorkflowResult<String>> startGroup(boolean async) {
    return startGroup(async, ctx -> true);
  }

  /** The same, with label's condition. */
  CompletableFuture<WorkflowResult<String>> startGroup(boolean async, Condition labelWhen) {
    return startGroup(async, LABEL, labelWhen);
  }

  /** The same, with label's spec (of the same name) and condition. */
  CompletableFuture<WorkflowResult<String>> startGroup(boolean async, StepSpec labelSpec, Condition labelWhen) {
    if (async) {
      return AsyncRun.submit(GROUP, options, Container.empty(), runs, "o", run -> {
        AsyncRun.Group group = run.parallel("prepare");
        WorkflowRun.Branch<String, String> label = group.valueStepAsync(labelSpec, labelWhen,
            ctx -> CompletableFuture.supplyAsync(() -> steps.step(ctx, "o")), steps::undo);
        WorkflowRun.Branch<String, String> charge = group.valueStepAsync(CHARGE,
            ctx -> CompletableFuture.supplyAsync(() -> steps.step(ctx, "o")), steps::undo);
        return group.join().thenCompose(ignored ->
            run.valueStep(SHIP, ctx -> steps.step(ctx, label.output() + "+" + charge.output()), null));
      });
    }
    return AsyncRuns.supply(options, runs, () -> {
      WorkflowRun run = WorkflowRun.start(GROUP, options, Container.empty(), runs, "o");
      try {
        WorkflowRun.Group group = run.parallel("prepare");
        WorkflowRun.Branch<String, String> label = group.valueStep(labelSpec, labelWhen, ctx -> steps.step(ctx, "o"),
            steps::undo);
        WorkflowRun.Branch<String, String> charge = group.valueStep(CHARGE, ctx -> steps.step(ctx, "o"), steps::undo);
        group.join();
        return run.done(run.valueStep(SHIP, ctx -> steps.step(ctx, label.output() + "+" + charge.output()), null));
      } catch (WorkflowRun.Halt halt) {
        return run.halted(halt);
      }
    });
  }

  static WorkflowResult<String> result(CompletableFuture<WorkflowResult<String>> run) throws Exception {
    return run.get(10, TimeUnit.SECONDS);
  }

  List<String> undone() {
    return events.stream().filter(e -> e.startsWith("undo-")).toList();
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void aWaitingMemberIsRetriedAfterItsSiblingCompletedAndTheRunEndsDoneWithBothOutputs(boolean async)
      throws Exception {
    steps.failures.put("charge", 1);

    CompletableFuture<WorkflowResult<String>> run = startGroup(async);
    steps.awaitWait();
    assertTrue(runs.retryStep("t-1", "charge"));
    WorkflowResult<String> result = result(run);

    assertEquals(WorkflowStatus.DONE, result.status());
    assertEquals("o>label+o>charge>ship", result.result());
    assertEquals(List.of(), undone());
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void failingAWaitingMemberCompensatesItsCompletedSiblingAndTheRunReverts(boolean async) throws Exception {
    steps.failures.put("charge", 1);
    CountDownLatch labelled = new CountDownLatch(1);
    steps.reached.put("label", labelled);

    CompletableFuture<WorkflowResult<String>> run = startGroup(async);
    steps.awaitWait();
    assertTrue(labelled.await(10, TimeUnit.SECONDS));
    assertTrue(runs.failStep("t-1", "charge"));
    WorkflowResult<String> result = result(run);

    assertEquals(WorkflowStatus.REVERTED, result.status());
    assertEquals("charge", result.errors().get(0).step());
    assertInstanceOf(ManualStepFailureException.class, result.errors().get(0).cause());
    assertEquals(List.of("undo-label(o>label)@1"), undone());
  }

  /** Starts the group with label as {@code labelSpec} says; label fails for good once charge waits after its attempt 1. */
  CompletableFuture<WorkflowResult<String>> labelFailsWhileChargeWaits(boolean async, StepSpec labelSpec)
      throws InterruptedException {
    steps.failures.put("charge", 1);
    steps.failures.put("label", 1);
    CountDownLatch label = new CountDownLatch(1);
    steps.gates.put("label", label);
    CompletableFuture<WorkflowResult<String>> run = startGroup(async, labelSpec, ctx -> true);
    steps.awaitWait();
    label.countDown();
    return run;
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void aSiblingThatFailsForGoodEndsTheWaitWithoutAFurtherAttemptAndTheRunReverts(boolean async) throws Exception {
    CompletableFuture<WorkflowResult<String>> run = labelFailsWhileChargeWaits(async, LABEL);
    WorkflowResult<String> result = result(run);

    assertEquals(WorkflowStatus.REVERTED, result.status());
    assertEquals(Set.of("label", "charge"), Set.copyOf(result.errors().stream().map(e -> e.step()).toList()));
    assertFalse(events.contains("charge@2"), "no further attempt of charge: " + events);
    assertFalse(runs.retryStep("t-1", "charge"), "the wait has ended");
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void aSiblingWhoseFailureIsToleratedLeavesTheWaitToTheApplication(boolean async) throws Exception {
    StepSpec tolerant = StepSpec.builder("label").onFailure(StepSpec.OnFailure.CONTINUE).build();

    CompletableFuture<WorkflowResult<String>> run = labelFailsWhileChargeWaits(async, tolerant);
    assertTrue(labelFailed.await(10, TimeUnit.SECONDS));
    assertTrue(runs.retryStep("t-1", "charge"), "charge still waits: " + events);
    WorkflowResult<String> result = result(run);

    assertEquals(WorkflowStatus.DONE, result.status(), result.errors().toString());
    assertEquals("null+o>charge>ship", result.result());
    assertEquals(List.of("label"), result.errors().stream().map(e -> e.step()).toList());
    assertEquals(List.of(), undone());
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void aSiblingWhoseConditionThrowsEndsTheWaitWithoutAFurtherAttempt(boolean async) throws Exception {
    steps.failures.put("charge", 1);

    CompletableFuture<WorkflowResult<String>> run = startGroup(async, ctx -> {
      steps.awaitWait(); // the condition throws once charge waits
      throw new IllegalStateException("no label printer");
    });
    WorkflowResult<String> result = result(run);

    assertEquals(WorkflowStatus.REVERTED, result.status());
    assertEquals(Set.of("label", "charge"), Set.copyOf(result.errors().stream().map(e -> e.step()).toList()));
    assertFalse(events.contains("charge@2"), "no further attempt of charge: " + events);
  }

  // ---------------------------------------------------------------- a child workflow's step waits

  /** order, then pay: the child workflow 'payment', whose charge waits for a manual retry. */
  CompletableFuture<WorkflowResult<String>> startParent(Payment.Runner child) {
    return AsyncRuns.supply(options, runs, () -> {
      WorkflowRun run = WorkflowRun.start(PARENT, options, Container.empty(), runs, "o");
      try {
        String order = run.valueStep(ORDER, ctx -> steps.step(ctx, "o"), steps::undo);
        return run.done(run.<String>childStep(PAY, ctx -> child.runAsChild(order, ctx)));
      } catch (WorkflowRun.Halt halt) {
        return run.halted(halt);
      }
    });
  }

  /** A runner of the child workflow: its registry finds the child's runs that wait. */
  Payment.Runner child() {
    steps.failures.put("charge", 1);
    return steps.new Runner(null, false, CHARGE, 0, null);
  }

  @Test
  void aStepOfAChildWaitsAndARetryThroughTheChildsRunnerEndsTheParentDone() throws Exception {
    Payment.Runner child = child();
    CompletableFuture<WorkflowResult<String>> run = startParent(child);
    steps.awaitWait();

    assertFalse(runs.retryStep("t-1", "charge"), "the parent's run has no step charge");
    assertFalse(new RunRegistry().retryStep("t-1/pay", "charge"), "a registry of no workflow finds no child");
    assertFalse(RunRegistry.<String, String>of(null, PARENT, (input, o) -> null).retryStep("t-1/pay", "charge"),
        "a runner of another workflow does not find the child");
    assertTrue(child.runs.retryStep("t-1/pay", "charge"));
    WorkflowResult<String> result = result(run);

    assertEquals(WorkflowStatus.DONE, result.status());
    assertEquals("o>order>reserve>charge>ship", result.result());
    assertFalse(child.runs.retryStep("t-1/pay", "charge"), "the child's run is over");
  }

  @Test
  void failingAWaitingStepOfAChildCompensatesTheChildAsAUnitAndTheParent() throws Exception {
    Payment.Runner child = child();
    CompletableFuture<WorkflowResult<String>> run = startParent(child);
    steps.awaitWait();

    assertTrue(child.runs.failStep("t-1/pay", "charge"));
    WorkflowResult<String> result = result(run);

    assertEquals(WorkflowStatus.REVERTED, result.status());
    assertEquals("pay", result.errors().get(0).step());
    assertEquals(List.of("undo-reserve(o>order>reserve)@1", "undo-order(o>order)@1"), undone());
  }

  @Test
  void aCancelOfTheParentEndsTheWaitOfItsChildsStepAndCompensatesBoth() throws Exception {
    Payment.Runner child = child();
    CompletableFuture<WorkflowResult<String>> run = startParent(child);
    steps.awaitWait();

    assertTrue(runs.cancel("t-1"));
    WorkflowResult<String> result = result(run);

    assertEquals(WorkflowStatus.REVERTED, result.status());
    assertEquals(List.of("undo-reserve(o>order>reserve)@1", "undo-order(o>order)@1"), undone());
    assertFalse(events.contains("charge@2"), events.toString());
    assertFalse(child.runs.retryStep("t-1/pay", "charge"), "the child's wait is over");
  }
}
